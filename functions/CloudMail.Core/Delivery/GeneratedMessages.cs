using CloudMail.Core.Blobs;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using MimeKit;

namespace CloudMail.Core.Delivery;

/// <summary>
/// Mail the server writes itself (bounces, TLS reports) enters the pipeline like accepted mail: the message into the blob
/// store, then its job on the inbound queue, where routing delivers it locally or queues it for remote delivery. The id
/// is the caller's and deterministic, so a submission repeated after a crash stores and queues one message: the blob is
/// written only when absent and the job id is the same (queue duplicate detection).
/// </summary>
public static class GeneratedMessages
{
    /// <summary>Mail is written with CRLF line ends (RFC 5322 §2.1), whatever the platform's are.</summary>
    private static readonly FormatOptions Crlf = CrlfOptions();

    /// <summary>
    /// Stores the message <paramref name="compose"/> makes as blob <paramref name="id"/> (not called when that blob exists)
    /// and enqueues its inbound job with <paramref name="envelope"/>. Storage failures propagate.
    /// </summary>
    public static async Task SubmitAsync(IMessageBlobStore blobs, IMailQueue queue, string id, Envelope envelope,
        Func<CancellationToken, Task<MimeMessage>> compose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(compose);
        BlobRef blob = await blobs.ExistsAsync(id, cancellationToken).ConfigureAwait(false)
            ? await blobs.DescribeAsync(id, cancellationToken).ConfigureAwait(false)
            : await WriteAsync(blobs, id, await compose(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        await queue.EnqueueAsync(QueueNames.Inbound, new MailJob(id, id, blob, envelope), null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<BlobRef> WriteAsync(IMessageBlobStore blobs, string id, MimeMessage message, CancellationToken cancellationToken)
    {
        using var bytes = new MemoryStream();
        using (message) await message.WriteToAsync(Crlf, bytes, cancellationToken).ConfigureAwait(false);
        await using IBlobWriter writer = blobs.CreateWriter(id);
        await writer.WriteAsync(bytes.GetBuffer().AsMemory(0, (int)bytes.Length), cancellationToken).ConfigureAwait(false);
        return await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static FormatOptions CrlfOptions()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }
}
