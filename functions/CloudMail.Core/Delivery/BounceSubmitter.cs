using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Delivery;

/// <summary>
/// Sends a <see cref="DeliveryStatusNotification"/> to the original sender through the accept path, as
/// <see cref="Intake.MessageIntake"/> does: the composed message (<see cref="BounceComposer"/>) into the blob store, then
/// its job on the inbound queue, where routing delivers it locally or queues it for remote delivery. The notification's
/// id is derived from the original's id, the kind and the attempt (<see cref="IdOf"/>), so a job run twice (a crash
/// before it completed) submits one notification, never two: the blob is written only when absent, the job's JobId is
/// the same (queue duplicate detection), and the inbound stage appends a message id once per mailbox. The notification
/// has the null reverse-path (RFC 5321 §4.5.5), so its own failure is never reported: no bounce loops.
/// </summary>
public sealed class BounceSubmitter(IMessageBlobStore blobs, IMailQueue queue, IOptions<DeliveryOptions> options, TimeProvider time)
{
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("cloudmail/dsn/v1\n");

    /// <summary>
    /// The submitter recorded in a notification's envelope (<see cref="Envelope.AuthenticatedUser"/>): the server itself,
    /// so that routing sends a notification for a remote sender (e.g. of forwarded mail) to the outbound queue.
    /// </summary>
    public string Submitter => $"{BounceComposer.MailerDaemon}@{ReportingMta}";

    /// <summary>The name this server reports as (RFC 3464 §2.2.2): <see cref="DeliveryOptions.HeloName"/>, else the machine's name.</summary>
    public string ReportingMta => string.IsNullOrWhiteSpace(options.Value.HeloName) ? Environment.MachineName.ToLowerInvariant() : options.Value.HeloName;

    /// <summary>
    /// The message id of the notification of <paramref name="kind"/> number <paramref name="attempt"/> about
    /// <paramref name="messageId"/>: 28 hex digits of SHA-256 (so <see cref="MessageIds.IsValid"/> holds).
    /// </summary>
    public static string IdOf(string messageId, DsnKind kind, int attempt)
    {
        byte[] input = [.. Label, .. Encoding.UTF8.GetBytes($"{messageId}\n{kind}\n{attempt}")];
        return Convert.ToHexStringLower(SHA256.HashData(input).AsSpan(0, 14));
    }

    /// <summary>
    /// Submits <paramref name="dsn"/> unless the sender asked for none (null reverse-path); returns the notification's
    /// message id, or null when nothing was sent. Storage failures propagate (the caller's job is retried).
    /// </summary>
    public async Task<string?> SubmitAsync(DeliveryStatusNotification dsn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dsn);
        if (!DsnPolicy.MayNotify(dsn.Envelope.MailFrom) || dsn.Recipients.Count == 0) return null;
        string id = IdOf(dsn.MessageId, dsn.Kind, dsn.Attempt);
        DateTimeOffset now = time.GetUtcNow();
        // The notification of SMTPUTF8 mail is SMTPUTF8 mail itself (RFC 6533 §4): it may carry the original's UTF-8.
        var envelope = new Envelope("", [dsn.Envelope.MailFrom], Submitter, "127.0.0.1", ReportingMta, now, SmtpUtf8: dsn.Envelope.SmtpUtf8);
        await GeneratedMessages.SubmitAsync(blobs, queue, id, envelope, async ct =>
        {
            // The original is read into memory as the notification is composed (MimeKit's default, not persistent).
            await using Stream original = await blobs.OpenReadAsync(dsn.Original.Id, ct).ConfigureAwait(false);
            return BounceComposer.Compose(dsn, id, ReportingMta, now, original, options.Value.DsnReturnFullMaxBytes);
        }, cancellationToken).ConfigureAwait(false);
        return id;
    }
}
