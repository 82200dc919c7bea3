namespace CloudMail.Core.Quarantine;

/// <summary>
/// A quarantined message as the admin API and <c>cloudmail quarantine --json</c> show it: facts about the message,
/// never its content.
/// </summary>
public sealed record QuarantineView(string MessageId, string Signature, DateTimeOffset QuarantinedAt, string Source, string MailFrom,
    string? AuthenticatedUser, string RemoteAddress, IReadOnlyList<string> Recipients, DateTimeOffset ReceivedAt, long Size)
{
    public static QuarantineView From(QuarantineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var envelope = entry.Job.Envelope;
        return new(entry.MessageId, entry.Signature, entry.QuarantinedAt, entry.Source, envelope.MailFrom, envelope.AuthenticatedUser,
            envelope.RemoteAddress, entry.Job.EffectiveRecipients, envelope.ReceivedAt, entry.Job.Blob.Size);
    }
}
