using System.Text.RegularExpressions;

namespace CloudMail.Core.DeliveryLog;

/// <summary>
/// One entry of a recipient's attempt history (<see cref="IDeliveryLog.GetAttemptsAsync"/>): every write of the recipient's
/// state — accepted and routed, filed in a local mailbox, tried at a remote host and deferred, delivered or bounced, deleted
/// by an administrator — is one entry, so <c>cloudmail trace</c> and the admin API trace show each stage and each try.
/// </summary>
/// <param name="At">When the attempt ended (UTC).</param>
/// <param name="Stage">The stage that wrote it (<see cref="DeliveryStages"/>); empty for entries written without one.</param>
/// <param name="Result">The recipient's state after the attempt.</param>
/// <param name="Attempt">The recipient's attempt count after it (0 while only routed).</param>
/// <param name="RemoteHost">The host tried, for outbound attempts that reached one.</param>
/// <param name="Reply">The SMTP reply or a short reason; never message content.</param>
/// <param name="NextAttemptAt">For a deferral: when the recipient is tried again.</param>
public sealed partial record DeliveryAttempt(
    string MessageId,
    string Recipient,
    DateTimeOffset At,
    string Stage,
    DeliveryStatus Result,
    int Attempt,
    string? RemoteHost,
    string? Reply,
    DateTimeOffset? NextAttemptAt)
{
    /// <summary>
    /// The history keeps the newest 50 attempts per (message, recipient); older ones are dropped as new ones are written.
    /// The default retry schedule makes fewer tries than that before a message expires, so a whole delivery normally fits.
    /// </summary>
    public const int MaxPerRecipient = 50;

    /// <summary>The enhanced status code (RFC 3463, e.g. <c>4.2.1</c>) that <see cref="Reply"/> carries after its reply code, or null.</summary>
    public string? DsnStatus => Reply is not null && EnhancedCode().Match(Reply) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The entry of <paramref name="record"/>: the write that is also the attempt.</summary>
    public static DeliveryAttempt Of(DeliveryRecord record, string recipient) =>
        new(record.MessageId, recipient, record.UpdatedAt, record.Stage ?? "", record.Status, record.Attempts, record.RemoteHost, record.LastReply,
            record.NextAttemptAt);

    /// <summary>A reply code, a space or dash, then an enhanced status code (RFC 3463 §2; RFC 2034 §4 puts it there).</summary>
    [GeneratedRegex(@"^[245]\d\d[ -]([245]\.\d{1,3}\.\d{1,3})(?![\d.])", RegexOptions.CultureInvariant)]
    private static partial Regex EnhancedCode();
}

/// <summary>The stages that write the delivery log (<see cref="DeliveryRecord.Stage"/>, <see cref="DeliveryAttempt.Stage"/>).</summary>
public static class DeliveryStages
{
    /// <summary>The inbound stage: routing, local delivery (INBOX or Junk), forwards, over-quota deferrals and bounces.</summary>
    public const string Inbound = "inbound";

    /// <summary>The outbound stage: a try at the recipient's domain (direct MX or smart host).</summary>
    public const string Outbound = "outbound";

    /// <summary>An administrator deleted the message's job from a queue.</summary>
    public const string Admin = "admin";
}
