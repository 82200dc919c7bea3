using System.Buffers;
using CloudMail.Core.Mailboxes;
using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>
/// RETR (RFC 1939 §5) and TOP (§7): streams the blob through <see cref="Pop3MessageEncoder"/> (CRLF normalization,
/// byte-stuffing, terminator), never holding the whole message. RETR then marks the message \Seen in the shared
/// index, as Dovecot and most servers do, so IMAP clients see it as read; TOP does not.
/// </summary>
internal static class RetrTopHandler
{
    private const int ReadChunk = 32 * 1024;

    public static Task<bool> HandleRetrAsync(Pop3Session s, RetrCommand command, CancellationToken cancellationToken) =>
        RetrieveAsync(s, command.Message, bodyLines: -1, cancellationToken);

    public static Task<bool> HandleTopAsync(Pop3Session s, TopCommand command, CancellationToken cancellationToken) =>
        RetrieveAsync(s, command.Message, command.Lines, cancellationToken);

    /// <summary>The whole message when <paramref name="bodyLines"/> is negative, else the header and that many body lines.</summary>
    private static async Task<bool> RetrieveAsync(Pop3Session s, int number, int bodyLines, CancellationToken cancellationToken)
    {
        var maildrop = s.Maildrop;
        if (!maildrop.TryGet(number, out var message, out string error))
        {
            s.Error(error);
            return false;
        }
        bool whole = bodyLines < 0;
        long size = 0;
        if (whole)
        {
            (bool measured, size) = await s.TryStorageAsync(() => maildrop.SizeAsync(number, s.Services.Sizes, cancellationToken), message).ConfigureAwait(false);
            if (!measured) return false;
        }
        var (opened, stream) = await s.TryStorageAsync(() => new ValueTask<Stream>(s.Services.Blobs.OpenReadForClientAsync(message.Blob.Id, cancellationToken)), message).ConfigureAwait(false);
        if (!opened) return false;

        await using (stream.ConfigureAwait(false))
        {
            s.Reply(whole ? Pop3Replies.MessageFollows(size) : Pop3Replies.TopFollows);
            var encoder = new Pop3MessageEncoder(bodyLines);
            await StreamAsync(s, stream, encoder, cancellationToken).ConfigureAwait(false);
            if (whole && encoder.ContentLength != size)
                Pop3Log.SizeMismatch(s.Logger, maildrop.Account, message.Uid, size, encoder.ContentLength);
        }
        if (whole && maildrop.TryMarkSeen(number)) await MarkSeenAsync(s, maildrop.Account, message, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Copies the encoded message into the connection, flushing whenever <see cref="Network.ClientConnection.MaxPendingOutput"/> octets are buffered.</summary>
    private static async Task StreamAsync(Pop3Session s, Stream stream, Pop3MessageEncoder encoder, CancellationToken cancellationToken)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ReadChunk);
        var encoded = new ArrayBufferWriter<byte>(ReadChunk + ReadChunk / 8);
        try
        {
            int read;
            while (!encoder.IsFinished && (read = await stream.ReadAsync(chunk.AsMemory(0, ReadChunk), cancellationToken).ConfigureAwait(false)) > 0)
            {
                encoder.Write(chunk.AsSpan(0, read), encoded);
                s.Connection.Write(encoded.WrittenSpan);
                encoded.ResetWrittenCount();
                await s.Connection.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
            }
            encoder.Complete(encoded);
            s.Connection.Write(encoded.WrittenSpan);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Best effort: the client already has the message, so a failure is logged, not reported.</summary>
    private static async Task MarkSeenAsync(Pop3Session s, string account, MessageRecord message, CancellationToken cancellationToken)
    {
        try
        {
            await s.Services.Mailboxes.UpdateFlagsAsync(account, DefaultMailboxes.Inbox, [message.Uid],
                new FlagUpdate(FlagUpdateMode.Add, MessageFlags.Seen, []), null, cancellationToken).ConfigureAwait(false);
            s.Services.Notifier.Notify(account);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Pop3Log.SeenFailed(s.Logger, e, account, message.Uid);
        }
    }
}
