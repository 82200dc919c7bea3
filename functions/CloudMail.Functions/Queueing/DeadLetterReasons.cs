namespace CloudMail.Functions.Queueing;

/// <summary>The <c>DeadLetterReason</c> values CloudMail sets; the description says what exactly went wrong.</summary>
public static class DeadLetterReasons
{
    /// <summary>The body is not a usable job (not JSON, wrong shape, missing fields).</summary>
    public const string Poison = "poison";

    /// <summary>The stage said it will never succeed (e.g. the message blob is gone).</summary>
    public const string Permanent = "permanent";

    /// <summary>Transient failures went on past <see cref="FunctionsOptions.MaxRetries"/> scheduled retries.</summary>
    public const string RetriesExhausted = "retries-exhausted";
}
