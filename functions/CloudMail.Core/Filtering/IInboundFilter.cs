using CloudMail.Core.Messages;

namespace CloudMail.Core.Filtering;

/// <summary>
/// A check of mail from unauthenticated clients (port 25), run by <see cref="Intake.MessageIntake"/> once the whole
/// message is received and before the client is answered, so that a message can still be refused in the session (no
/// backscatter). Implemented in CloudMail.Filtering (SPF, DKIM, DMARC, ARC). Must not throw for message or DNS content:
/// every such problem is part of the verdict; an exception means the message could not be checked and is answered 451.
/// </summary>
public interface IInboundFilter
{
    /// <summary>Checks the message whose stored bytes <paramref name="open"/> reads from the start (each call a new stream).</summary>
    Task<InboundVerdict> CheckAsync(Envelope envelope, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken);
}

/// <summary>
/// What a filter decided. <paramref name="Reject"/>: the SMTP reply that refuses the message, null to accept. <paramref name="HeaderFields"/>: header fields (each ending in CRLF) put on top of the stored
/// message. <paramref name="RemoveField"/>: true for an existing header field (name and value as received, unfolded
/// lines kept) that the stored message must lose (a forged Authentication-Results). <paramref name="Summary"/>: one line
/// for the log. <paramref name="Junk"/>: accept, but file it in the recipients' Junk mailbox (spam).
/// <paramref name="ScanLater"/>: accepted without its virus scan (the scanner was unavailable and policy accepts such
/// mail): the inbound stage must scan it before it is delivered (<see cref="Messages.Envelope.ScanPending"/>).
/// </summary>
public sealed record InboundVerdict(InboundRejection? Reject, string HeaderFields, Func<string, bool>? RemoveField, string Summary, bool Junk = false,
    bool ScanLater = false)
{
    /// <summary>Accept unchanged.</summary>
    public static InboundVerdict Accept { get; } = new(null, string.Empty, null, "not checked");
}

/// <summary>An SMTP reply refusing a message at the end of DATA: <paramref name="Code"/> 5xx, enhanced status code (RFC 3463), text.</summary>
public sealed record InboundRejection(int Code, string EnhancedCode, string Text)
{
    public override string ToString() => $"{Code} {EnhancedCode} {Text}";
}
