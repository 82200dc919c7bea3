namespace CloudMail.Core.SendApi;

/// <summary>
/// Section <c>CloudMail:SendApi</c>: limits of the HTTP send API, the same in the embedded host and the
/// Functions app. Every limit is enforced by <see cref="SendApiHandler"/> itself, so a host only needs to
/// cap the transport at <see cref="MaxRequestSize"/> or more.
/// </summary>
public sealed class SendApiOptions
{
    public const string Section = "CloudMail:SendApi";

    /// <summary>Largest request body accepted (JSON with base64 attachments, or raw MIME); larger gets 413.</summary>
    public long MaxRequestSize { get; set; } = 50L * 1024 * 1024;

    /// <summary>Largest stored MIME message (what SMTP SIZE would see); larger gets 413.</summary>
    public long MaxMessageSize { get; set; } = 35L * 1024 * 1024;

    /// <summary>Most envelope recipients (to + cc + bcc) per message.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>Most attachments per JSON message.</summary>
    public int MaxAttachments { get; set; } = 100;

    /// <summary>Most custom headers per JSON message.</summary>
    public int MaxCustomHeaders { get; set; } = 50;

    /// <summary>Longest <c>Idempotency-Key</c> header value (printable ASCII).</summary>
    public int MaxIdempotencyKeyLength { get; set; } = 255;

    /// <summary>Longest subject, in characters.</summary>
    public int MaxSubjectLength { get; set; } = 998;

    /// <summary>Validation of bound values, as one message per problem (empty when valid).</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxRequestSize <= 0) yield return "CloudMail:SendApi:MaxRequestSize must be positive";
        if (MaxMessageSize <= 0) yield return "CloudMail:SendApi:MaxMessageSize must be positive";
        if (MaxRecipients <= 0) yield return "CloudMail:SendApi:MaxRecipients must be positive";
        if (MaxAttachments < 0) yield return "CloudMail:SendApi:MaxAttachments must not be negative";
        if (MaxCustomHeaders < 0) yield return "CloudMail:SendApi:MaxCustomHeaders must not be negative";
        if (MaxIdempotencyKeyLength <= 0) yield return "CloudMail:SendApi:MaxIdempotencyKeyLength must be positive";
        if (MaxSubjectLength <= 0) yield return "CloudMail:SendApi:MaxSubjectLength must be positive";
    }
}
