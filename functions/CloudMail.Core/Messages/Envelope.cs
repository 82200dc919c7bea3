namespace CloudMail.Core.Messages;

/// <summary>
/// The SMTP envelope of one accepted message: what MAIL FROM / RCPT TO said, who sent it and how.
/// Serialized into every queue job, so it must stay small and JSON-friendly.
/// </summary>
/// <param name="MailFrom">Reverse-path without angle brackets; empty string for the null sender (bounces).</param>
/// <param name="Recipients">Forward-paths as given at RCPT, in order, without duplicates.</param>
/// <param name="AuthenticatedUser">Account address that authenticated (submission), or null for port-25 mail.</param>
/// <param name="RemoteAddress">Client IP address as text.</param>
/// <param name="HeloName">Name given at HELO/EHLO.</param>
/// <param name="ReceivedAt">When the final 250 was about to be sent.</param>
/// <param name="Dsn">
/// The DSN parameters of MAIL and RCPT (RFC 3461 §4), or null when the client gave none: what the sender asked to be
/// told about, and how much of the message a bounce returns.
/// </param>
/// <param name="RequireTls">MAIL FROM carried REQUIRETLS (RFC 8689 §4.1): every onward hop must use verified TLS.</param>
/// <param name="Junk">The inbound filters judged it spam: local recipients get it in their Junk mailbox.</param>
/// <param name="Verdict">
/// What the inbound filters said of it (<see cref="Filtering.InboundVerdict.Summary"/>: authentication results, spam
/// score, virus scan), one line, recorded with the local deliveries in the delivery log; null when it was not checked.
/// </param>
/// <param name="ScanPending">
/// The message was accepted without a virus scan (the HTTP send API answers 202 before any scan; port-25 mail or a
/// submission accepted while the scanner was unavailable and <c>CloudMail:Antivirus:AcceptWhenUnavailable</c>): the
/// inbound stage scans it before routing (<see cref="Quarantine.PipelineVirusCheck"/>) and quarantines it when infected.
/// </param>
/// <param name="SmtpUtf8">
/// MAIL FROM carried SMTPUTF8 (RFC 6531 §3.4): the message may hold UTF-8 header fields (RFC 6532), which only a next
/// hop offering SMTPUTF8 may receive.
/// </param>
public sealed record Envelope(
    string MailFrom,
    IReadOnlyList<string> Recipients,
    string? AuthenticatedUser,
    string RemoteAddress,
    string HeloName,
    DateTimeOffset ReceivedAt,
    EnvelopeDsn? Dsn = null,
    bool RequireTls = false,
    bool Junk = false,
    string? Verdict = null,
    bool ScanPending = false,
    bool SmtpUtf8 = false);
