namespace CloudMail.Core.Pipeline;

/// <summary>
/// The dead-letter reasons CloudMail sets (Service Bus <c>DeadLetterReason</c>; the embedded queue's reason starts with
/// one); the description says what exactly went wrong.
/// </summary>
public static class DeadLetterReasons
{
    /// <summary>The body is not a usable job (not JSON, wrong shape, missing fields).</summary>
    public const string Poison = "poison";

    /// <summary>The stage said it will never succeed (e.g. the message blob is gone).</summary>
    public const string Permanent = "permanent";

    /// <summary>Transient failures went on past <see cref="PipelineOptions.MaxRetries"/> scheduled retries.</summary>
    public const string RetriesExhausted = "retries-exhausted";

    /// <summary>
    /// The stage threw an exception that is not transient (<see cref="Failures.FailureClassification.IsTransient"/>): a
    /// bug, bad configuration or bad data, which retrying would only repeat.
    /// </summary>
    public const string Failed = "failed";
}
