using System.Buffers;
using CloudMail.Core.Mailboxes;
using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3;

/// <summary>TRANSACTION and UPDATE states: STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP, QUIT (RFC 1939 §5 to §7).</summary>
internal sealed partial class Pop3Session
{
    private const int ReadChunk = 32 * 1024;

    private Pop3Maildrop Maildrop => _maildrop ?? throw new InvalidOperationException("No maildrop outside TRANSACTION.");

    /// <summary>RFC 1939 §5 STAT: count and total size of the messages not marked as deleted.</summary>
    private async Task<bool> StatAsync(CancellationToken cancellationToken)
    {
        var maildrop = Maildrop;
        var (ok, octets) = await TryStorageAsync(() => maildrop.LiveSizeAsync(services.Sizes, cancellationToken), null).ConfigureAwait(false);
        if (!ok) return false;
        Reply(Pop3Replies.Stat(maildrop.LiveCount, octets));
        return true;
    }

    /// <summary>RFC 1939 §5 LIST [msg]: "n size" for one message or every message not marked as deleted.</summary>
    private async Task<bool> ListAsync(ListCommand command, CancellationToken cancellationToken)
    {
        var maildrop = Maildrop;
        if (command.Message is { } number)
        {
            if (!maildrop.TryGet(number, out var message, out string error))
            {
                Error(error);
                return false;
            }
            var (ok, size) = await TryStorageAsync(() => maildrop.SizeAsync(number, services.Sizes, cancellationToken), message).ConfigureAwait(false);
            if (!ok) return false;
            Reply(Pop3Replies.ScanLine(number, size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return true;
        }

        var sizes = new List<(int Number, long Size)>();
        long total = 0;
        foreach (int n in maildrop.LiveNumbers)
        {
            maildrop.TryGet(n, out var message, out _);
            var (ok, size) = await TryStorageAsync(() => maildrop.SizeAsync(n, services.Sizes, cancellationToken), message).ConfigureAwait(false);
            if (!ok) return false;
            sizes.Add((n, size));
            total += size;
        }
        Reply(Pop3Replies.ScanListFollows(sizes.Count, total));
        foreach (var (n, size) in sizes)
        {
            Reply(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{n} {size}"));
            await connection.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }
        Reply(Pop3Replies.Terminator);
        return true;
    }

    /// <summary>RFC 1939 §7 UIDL [msg]: "n unique-id" (see <see cref="Pop3Maildrop.UniqueId"/>).</summary>
    private async Task<bool> UidlAsync(UidlCommand command, CancellationToken cancellationToken)
    {
        var maildrop = Maildrop;
        if (command.Message is { } number)
        {
            if (!maildrop.TryGet(number, out _, out string error))
            {
                Error(error);
                return false;
            }
            Reply(Pop3Replies.ScanLine(number, maildrop.UniqueId(number)));
            return true;
        }
        Reply(Pop3Replies.UniqueIdListFollows);
        foreach (int n in maildrop.LiveNumbers)
        {
            Reply(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{n} {maildrop.UniqueId(n)}"));
            await connection.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }
        Reply(Pop3Replies.Terminator);
        return true;
    }

    /// <summary>
    /// RFC 1939 §5 RETR (<paramref name="bodyLines"/> negative) and §7 TOP: streams the blob through
    /// <see cref="Pop3MessageEncoder"/> (CRLF normalization, byte-stuffing, terminator), never holding the
    /// whole message. RETR then marks the message \Seen in the shared index, as Dovecot and most servers
    /// do, so IMAP clients see it as read; TOP does not.
    /// </summary>
    private async Task<bool> RetrieveAsync(int number, int bodyLines, CancellationToken cancellationToken)
    {
        var maildrop = Maildrop;
        if (!maildrop.TryGet(number, out var message, out string error))
        {
            Error(error);
            return false;
        }
        bool whole = bodyLines < 0;
        long size = 0;
        if (whole)
        {
            (bool measured, size) = await TryStorageAsync(() => maildrop.SizeAsync(number, services.Sizes, cancellationToken), message).ConfigureAwait(false);
            if (!measured) return false;
        }
        var (opened, stream) = await TryStorageAsync(() => new ValueTask<Stream>(services.Blobs.OpenReadAsync(message.Blob.Id, cancellationToken)), message).ConfigureAwait(false);
        if (!opened) return false;

        await using (stream.ConfigureAwait(false))
        {
            Reply(whole ? Pop3Replies.MessageFollows(size) : Pop3Replies.TopFollows);
            var encoder = new Pop3MessageEncoder(bodyLines);
            await StreamAsync(stream, encoder, cancellationToken).ConfigureAwait(false);
            if (whole && encoder.ContentLength != size)
                Pop3Log.SizeMismatch(_logger, maildrop.Account, message.Uid, size, encoder.ContentLength);
        }
        if (whole && maildrop.TryMarkSeen(number)) await MarkSeenAsync(message, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Copies the encoded message into the connection, flushing whenever <see cref="Network.ClientConnection.MaxPendingOutput"/> octets are buffered.</summary>
    private async Task StreamAsync(Stream stream, Pop3MessageEncoder encoder, CancellationToken cancellationToken)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ReadChunk);
        var encoded = new ArrayBufferWriter<byte>(ReadChunk + ReadChunk / 8);
        try
        {
            int read;
            while (!encoder.IsFinished && (read = await stream.ReadAsync(chunk.AsMemory(0, ReadChunk), cancellationToken).ConfigureAwait(false)) > 0)
            {
                encoder.Write(chunk.AsSpan(0, read), encoded);
                connection.Write(encoded.WrittenSpan);
                encoded.ResetWrittenCount();
                await connection.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
            }
            encoder.Complete(encoded);
            connection.Write(encoded.WrittenSpan);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Best effort: the client already has the message, so a failure is logged, not reported.</summary>
    private async Task MarkSeenAsync(MessageRecord message, CancellationToken cancellationToken)
    {
        string account = Maildrop.Account;
        try
        {
            await services.Mailboxes.UpdateFlagsAsync(account, DefaultMailboxes.Inbox, [message.Uid],
                new FlagUpdate(FlagUpdateMode.Add, MessageFlags.Seen, []), null, cancellationToken).ConfigureAwait(false);
            services.Notifier.Notify(account);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Pop3Log.SeenFailed(_logger, e, account, message.Uid);
        }
    }

    /// <summary>RFC 1939 §5 DELE: marks; nothing is removed before UPDATE.</summary>
    private bool Dele(DeleCommand command)
    {
        if (!Maildrop.TryGet(command.Message, out _, out string error))
        {
            Error(error);
            return false;
        }
        Maildrop.MarkDeleted(command.Message);
        Reply(Pop3Replies.Deleted(command.Message));
        return true;
    }

    /// <summary>RFC 1939 §5 RSET: unmarks every message.</summary>
    private bool Rset()
    {
        Maildrop.Reset();
        Reply(Pop3Replies.Reset(Maildrop.LiveCount));
        return true;
    }

    /// <summary>RFC 1939 §5 NOOP.</summary>
    private bool Noop()
    {
        Reply(Pop3Replies.Noop);
        return true;
    }

    /// <summary>
    /// RFC 1939 §6 UPDATE: expunges the marked UIDs from INBOX (IMAP sessions see them vanish, and are
    /// signalled), releases the lock and closes. On a storage failure nothing is lost: the marked messages
    /// stay and the client hears "-ERR some deleted messages not removed".
    /// </summary>
    private async Task UpdateAsync(CancellationToken cancellationToken)
    {
        var maildrop = Maildrop;
        var marked = maildrop.DeletedUids;
        try
        {
            int removed = 0;
            if (marked.Count > 0)
            {
                removed = (await services.Mailboxes.ExpungeAsync(maildrop.Account, DefaultMailboxes.Inbox, marked, cancellationToken).ConfigureAwait(false)).Count;
                services.Notifier.Notify(maildrop.Account);
            }
            Pop3Log.Updated(_logger, maildrop.Account, removed, marked.Count);
            Reply(Pop3Replies.Updated(marked.Count));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Pop3Log.UpdateFailed(_logger, e, maildrop.Account, marked.Count);
            Reply(Pop3Replies.NotAllDeleted);
        }
        CloseMaildrop();
        _state = Pop3State.Closed;
    }

    /// <summary>
    /// Runs a storage read for a TRANSACTION command. A failure (missing blob, I/O error) becomes
    /// "-ERR [SYS/TEMP]" and the session goes on; it is the server's fault, so it does not count as a client error.
    /// </summary>
    private async Task<(bool Ok, T Value)> TryStorageAsync<T>(Func<ValueTask<T>> read, MessageRecord? message)
    {
        try
        {
            return (true, await read().ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Pop3Log.MessageUnavailable(_logger, e, Maildrop.Account, message?.Uid ?? 0);
            Reply(Pop3Replies.MessageUnavailable);
            return (false, default!);
        }
    }
}
