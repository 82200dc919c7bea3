namespace CloudMail.SendApi;

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

    /// <summary>
    /// Largest header block of a raw (message/rfc822) submission, which is read into memory to check senders and
    /// recipients; the body after it is streamed to the blob store. Larger gets 413. Exchange's receive connector
    /// default (MaxHeaderSize) is the same 256 KiB.
    /// </summary>
    public int MaxRawHeaderSize { get; set; } = 256 * 1024;

    /// <summary>
    /// Most request-body bytes one API key may have in flight (declared or received, until the request ends); beyond it
    /// 429 with Retry-After. At least MaxRequestSize, so that one request of the largest size always fits.
    /// </summary>
    public long MaxInFlightBytesPerKey { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// Most request-body bytes in flight for all keys together (JSON bodies are held in memory); beyond it 503 with
    /// Retry-After. At least MaxInFlightBytesPerKey.
    /// </summary>
    public long MaxInFlightBytes { get; set; } = 400L * 1024 * 1024;

    /// <summary>The Retry-After of a 429 or 503 answered because of the in-flight caps (whole seconds).</summary>
    public TimeSpan InFlightRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

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
        if (MaxRawHeaderSize <= 0) yield return "CloudMail:SendApi:MaxRawHeaderSize must be positive";
        if (MaxInFlightBytesPerKey < MaxRequestSize) yield return "CloudMail:SendApi:MaxInFlightBytesPerKey must be at least MaxRequestSize";
        if (MaxInFlightBytes < MaxInFlightBytesPerKey) yield return "CloudMail:SendApi:MaxInFlightBytes must be at least MaxInFlightBytesPerKey";
        if (InFlightRetryAfter < TimeSpan.FromSeconds(1)) yield return "CloudMail:SendApi:InFlightRetryAfter must be at least one second";
    }
}
