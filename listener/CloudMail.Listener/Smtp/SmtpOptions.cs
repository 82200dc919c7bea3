namespace CloudMail.Listener.Smtp;

/// <summary>
/// Configuration section <c>CloudMail:Smtp</c>: limits and security switches of the SMTP server on ports
/// 25, 587 and 465. Every default is here; the values are validated at start-up.
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "CloudMail:Smtp";

    /// <summary>
    /// Largest message accepted, in octets of message content as the client sends it (after dot-unstuffing;
    /// the Received header we add is not counted). Advertised as "SIZE" (RFC 1870) and enforced while the
    /// data streams in. Default 35 MiB.
    /// </summary>
    public long MaxMessageSize { get; set; } = 36_700_160;

    /// <summary>Recipients per transaction; more get 452 4.5.3. RFC 5321 §4.5.3.1.8 asks for at least 100.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>How long the server waits for the next command line (RFC 5321 §4.5.3.2.7: at least 5 minutes).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the server waits for the next block of DATA/BDAT content.</summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Error replies (syntax, sequence, refused addresses, failed AUTH) a connection may get; one more closes it with 421.</summary>
    public int MaxErrors { get; set; } = 10;

    /// <summary>
    /// Longest command line, CRLF included. Longer lines are discarded as they arrive and answered with
    /// 500 5.5.6. RFC 4954 §4 requires at least 12288 octets for AUTH lines; RFC 5321 §4.5.3.1.4 at least 512.
    /// </summary>
    public int MaxLineLength { get; set; } = 12_288;

    /// <summary>
    /// Allows AUTH on port 587 before STARTTLS. Default false: passwords never cross the network in
    /// plaintext (RFC 8314 §3; RFC 4954 §4). Only for trusted networks and old clients.
    /// </summary>
    public bool AllowInsecureAuth { get; set; }

    /// <summary>Offers CHUNKING (BDAT, RFC 3030). MailKit and Exchange use it when offered.</summary>
    public bool EnableChunking { get; set; } = true;

    /// <summary>Most time a STARTTLS handshake may take.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most time storing an accepted message may take (blob fsync + queue write) before the client is told
    /// 451. Not cut short by shutdown: a message whose data was received is finished.
    /// </summary>
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
