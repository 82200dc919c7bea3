using System.Globalization;
using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Core.Reporting;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CloudMail.Core.Quarantine;

/// <summary>
/// Tells the administrator that a message was quarantined (<see cref="QuarantineOptions.NotifyAdmin"/>): a short
/// text/plain notice with the message id, where it came from, its envelope, the signature and the commands that release
/// or delete it — never the message's content, which stays in the quarantine. It goes through the accept path as the
/// server's other generated mail does (<see cref="GeneratedMessages"/>), with the null reverse-path, and its id derives
/// from the quarantined message's id, so a stage run twice sends one notice.
/// </summary>
public sealed class QuarantineNotifier(IMessageBlobStore blobs, IMailQueue queue, BounceSubmitter bounces, IOptions<QuarantineOptions> options, TimeProvider time)
{
    /// <summary>
    /// The addresses <paramref name="entry"/>'s notice goes to: none, the configured address, or <c>postmaster@</c> the
    /// submitter's domain (our own user or send API key) or, for mail from other servers, each recipient's domain.
    /// </summary>
    public IReadOnlyList<string> RecipientsOf(QuarantineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string notify = options.Value.NotifyAdmin.Trim();
        if (notify.Equals(QuarantineOptions.Nobody, StringComparison.OrdinalIgnoreCase)) return [];
        if (!notify.Equals(QuarantineOptions.Postmaster, StringComparison.OrdinalIgnoreCase)) return [notify];
        var envelope = entry.Job.Envelope;
        IEnumerable<string> domains = envelope.AuthenticatedUser is { } user ? [MailAddresses.DomainOf(user)] : entry.Job.EffectiveRecipients.Select(MailAddresses.DomainOf);
        return [.. domains.Where(d => d.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).Select(d => "postmaster@" + d)];
    }

    /// <summary>Submits the notice of <paramref name="entry"/>; returns its message id, or null when policy says nobody. Storage failures propagate.</summary>
    public async Task<string?> NotifyAsync(QuarantineEntry entry, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> to = RecipientsOf(entry);
        if (to.Count == 0) return null;
        string id = ReportMail.IdOf("cloudmail/quarantine-notice/v1", entry.MessageId);
        DateTimeOffset now = time.GetUtcNow();
        var envelope = new Envelope("", to, bounces.Submitter, "127.0.0.1", bounces.ReportingMta, now);
        await GeneratedMessages.SubmitAsync(blobs, queue, id, envelope, _ => Task.FromResult(Compose(entry, to, id, now)), cancellationToken).ConfigureAwait(false);
        return id;
    }

    private MimeMessage Compose(QuarantineEntry entry, IReadOnlyList<string> to, string id, DateTimeOffset now)
    {
        var message = ReportMail.Headed("CloudMail", $"{BounceComposer.MailerDaemon}@{bounces.ReportingMta}", to,
            $"Quarantined: virus {entry.Signature} in message {entry.MessageId}", $"{id}@{bounces.ReportingMta}", now);
        message.Body = new TextPart("plain") { Text = Text(entry) };
        return message;
    }

    /// <summary>The notice's text: facts about the message (<see cref="Facts"/>), never its content, and how to release or delete it.</summary>
    public static string Text(QuarantineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var text = new StringBuilder();
        text.AppendLine("A message was found to contain a virus after it was accepted. It was not delivered and is kept in");
        text.AppendLine("the quarantine. Its recipients were not told.");
        text.AppendLine();
        text.Append(Facts(entry));
        text.AppendLine();
        text.AppendLine("To deliver it anyway (it is not scanned again):");
        text.AppendLine(CultureInfo.InvariantCulture, $"  cloudmail quarantine release {entry.MessageId}");
        text.AppendLine("To delete it:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  cloudmail quarantine delete {entry.MessageId}");
        return text.ToString();
    }

    /// <summary>One line per fact: message id, virus, source, sender, submitter, client, recipients, received, size.</summary>
    public static string Facts(QuarantineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var envelope = entry.Job.Envelope;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Message id:   {entry.MessageId}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Virus:        {entry.Signature}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Came in via:  {entry.Source}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Sender:       <{envelope.MailFrom}>");
        if (envelope.AuthenticatedUser is { } user) text.AppendLine(CultureInfo.InvariantCulture, $"Submitted by: {user}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Client:       {envelope.RemoteAddress}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Recipients:   {string.Join(", ", entry.Job.EffectiveRecipients)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Received:     {envelope.ReceivedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
        text.AppendLine(CultureInfo.InvariantCulture, $"Size:         {entry.Job.Blob.Size} octets");
        return text.ToString();
    }
}
