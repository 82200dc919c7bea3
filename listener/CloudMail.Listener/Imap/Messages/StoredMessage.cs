using CloudMail.Core.Mailboxes.Structure;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// One message's stored bytes and parsed structure for the length of one command: the blob is opened at
/// most once, and the structure comes from the session's cache when it can. <paramref name="readKept"/> reads the
/// structure the mailbox index keeps for a message of the selected mailbox (see <see cref="KeptStructureReader"/>);
/// without it (a message named by a URL, of any mailbox) only <see cref="MessageRecord.Structure"/> is used and a
/// structure parsed from the blob is not written back.
/// </summary>
internal sealed class StoredMessage(MessageRecord record, IMessageBlobStore blobs, MessageStructureCache cache, ILogger logger,
    Func<MessageRecord, CancellationToken, Task<string?>>? readKept = null) : IAsyncDisposable
{
    private Stream? _stream;
    private Task<Stream>? _opening;
    private bool _keptRead;
    private MessageStructure? _kept;
    private bool _keptValueRead;
    private string? _keptValue;

    public MessageRecord Record { get; } = record;

    /// <summary>Makes <paramref name="opening"/>, an open of this message's blob already started (<see cref="BlobReadAhead"/>), the one <see cref="OpenAsync"/> uses.</summary>
    public void OpenedAhead(Task<Stream>? opening) => _opening = opening;

    /// <summary>The message bytes, seekable (a non-seekable blob stream is copied to memory first).</summary>
    public async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        if (_stream is not null) return _stream;
        var opening = _opening ?? blobs.OpenReadForClientAsync(Record.Blob.Id, cancellationToken);
        _opening = null;
        var stream = await opening.ConfigureAwait(false);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            await using (stream.ConfigureAwait(false))
                await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            copy.Position = 0;
            stream = copy;
        }
        _stream = stream;
        return stream;
    }

    /// <summary>
    /// False when the message's bytes are gone: another session expunged its last copy and the blob was reclaimed
    /// (see <see cref="MessageReclaimer"/>) while this session still lists it. Checks before anything of a response
    /// is written, so a command can leave the message out instead of failing half-way through its output. Also false
    /// when its file was lost from the data folder: one message a client cannot read rather than a command that fails
    /// for the whole mailbox. Only the structure needed (<paramref name="bytesNeeded"/> false) and cached or kept: true
    /// without touching the store; with <paramref name="allHeaders"/> (what <see cref="StructureAsync"/> is then asked
    /// for) only a cached structure with every header field is enough, since a kept one has only some of them.
    /// </summary>
    public async Task<bool> IsAvailableAsync(bool bytesNeeded, CancellationToken cancellationToken, bool allHeaders = false)
    {
        if (!bytesNeeded && cache.TryGet(Record.Blob.Id, out var cached) && (cached.HeadersComplete || !allHeaders)) return true;
        if (!bytesNeeded && !allHeaders && await KeptAsync(cancellationToken).ConfigureAwait(false) is not null) return true;
        try
        {
            await OpenAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (BlobNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// The message's structure: from the session cache, else kept by the mailbox index (without opening the blob), else
    /// parsed from the blob, and then, when the index keeps none, noted for writing back to it. With
    /// <paramref name="allHeaders"/> (SEARCH on header fields) a structure read from the index, which keeps only the
    /// SORT/THREAD header fields, is not enough: the blob is parsed.
    /// </summary>
    public async Task<MessageStructure> StructureAsync(CancellationToken cancellationToken, bool allHeaders = false)
    {
        if (cache.TryGet(Record.Blob.Id, out var cached) && (cached.HeadersComplete || !allHeaders)) return cached;
        var kept = await KeptAsync(cancellationToken).ConfigureAwait(false);
        if (!allHeaders && kept is not null) return kept;
        var stream = await OpenAsync(cancellationToken).ConfigureAwait(false);
        stream.Position = 0;
        bool writeBack = kept is null && readKept is not null;
        MessageStructure? structure = await MessageStructureParser.TryParseAsync(stream, cancellationToken, withCrlfSize: writeBack).ConfigureAwait(false);
        if (structure is null)
        {
            ImapLog.UnparsableMessage(logger, Record.Blob.Id);
            structure = MessageStructureParser.Fallback(stream.Length);
        }
        else if (writeBack && StoredStructure.TryWrite(structure) is { } value)
        {
            cache.KeepLater(Record.Uid, value);
        }
        cache.Add(Record.Blob.Id, structure);
        return structure;
    }

    /// <summary>
    /// Where the message's top-level header and body lie, for a FETCH of its header: from the session cache, else from
    /// the first characters of the structure the index keeps (without parsing the rest), else as
    /// <see cref="StructureAsync"/> gives them.
    /// </summary>
    public async Task<MessageBounds> BoundsAsync(CancellationToken cancellationToken)
    {
        if (cache.TryGet(Record.Blob.Id, out var cached)) return MessageBounds.Of(cached);
        if (!_keptRead && StoredStructure.TryReadBounds(await KeptValueAsync(cancellationToken).ConfigureAwait(false)) is { } bounds) return bounds;
        return MessageBounds.Of(await StructureAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The structure kept for this message (<see cref="KeptValueAsync"/>), then cached; null when there is none, or it
    /// is unreadable or of another version. Parsed once.
    /// </summary>
    private async ValueTask<MessageStructure?> KeptAsync(CancellationToken cancellationToken)
    {
        if (_keptRead) return _kept;
        string? value = await KeptValueAsync(cancellationToken).ConfigureAwait(false);
        _keptRead = true;
        _kept = StoredStructure.TryRead(value);
        if (_kept is not null) cache.Add(Record.Blob.Id, _kept);
        return _kept;
    }

    /// <summary>The stored form of the kept structure: <see cref="MessageRecord.Structure"/>, else read from the index once.</summary>
    private async ValueTask<string?> KeptValueAsync(CancellationToken cancellationToken)
    {
        if (_keptValueRead) return _keptValue;
        _keptValue = Record.Structure ?? (readKept is null ? null : await readKept(Record, cancellationToken).ConfigureAwait(false));
        _keptValueRead = true;
        return _keptValue;
    }

    /// <summary>The whole message parsed with content, for SEARCH BODY/TEXT. Content stays in the stream (persistent).</summary>
    public async Task<MimeMessage?> MimeAsync(CancellationToken cancellationToken)
    {
        var stream = await OpenAsync(cancellationToken).ConfigureAwait(false);
        stream.Position = 0;
        try
        {
            return await MimeMessage.LoadAsync(stream, persistent: true, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="start"/> into memory (headers, small ranges).</summary>
    public async Task<byte[]> ReadAsync(long start, long length, CancellationToken cancellationToken)
    {
        var stream = await OpenAsync(cancellationToken).ConfigureAwait(false);
        stream.Position = start;
        var bytes = new byte[length];
        await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null) await _stream.DisposeAsync().ConfigureAwait(false);
        if (_opening is not null) await BlobReadAhead.DiscardAsync(_opening).ConfigureAwait(false);
    }
}
