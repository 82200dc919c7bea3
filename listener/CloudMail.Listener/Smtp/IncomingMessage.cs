using System.Buffers;
using CloudMail.Core.Blobs;
using CloudMail.Core.Filtering;
using CloudMail.Core.Intake;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Smtp.Data;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// One message being received: the blob writer (with the Received header already written), a pooled
/// buffer that gathers content into writes of up to <see cref="BlobWriteSize"/> (growing with the content, so a
/// small message holds no 64 KiB buffer: <see cref="PooledBufferWriter"/>), and the size check. Once the content exceeds the
/// limit, the writer is disposed (so no blob remains), <see cref="Output"/> becomes null and the rest
/// of the content is only read, never stored or buffered.
/// </summary>
internal sealed class IncomingMessage : IAsyncDisposable
{
    /// <summary>Content is handed to the blob writer in writes of at least this size.</summary>
    private const int BlobWriteSize = 64 * 1024;

    private readonly long _limit;
    private readonly CancellationToken _cancellationToken;
    private readonly byte[] _header;
    private IBlobWriter? _writer;
    private PooledBufferWriter? _chunk;
    private long _flushed;
    private readonly HeaderFieldScanner _scan = new();
    private int _scanned;
    private readonly SubmissionHeaderFields? _submission;

    /// <param name="submission">For submissions: the header edits of a submission server (<see cref="SubmissionHeaderFields"/>).</param>
    public IncomingMessage(string id, IBlobWriter writer, byte[] header, long limit, CancellationToken cancellationToken,
        SubmissionHeaderFields? submission = null)
    {
        Id = id;
        _writer = writer;
        _header = header;
        _limit = limit;
        _cancellationToken = cancellationToken;
        _chunk = new PooledBufferWriter();
        _submission = submission;
    }

    public string Id { get; }

    /// <summary>Where readers write content; null once the message is too big or storing failed (the rest is only read).</summary>
    public IBufferWriter<byte>? Output => _chunk;

    public bool TooBig { get; private set; }

    /// <summary>Set when writing to the blob store failed; the message is answered 451.</summary>
    public Exception? StoreError { get; private set; }

    /// <summary>Content octets seen so far (the Received header not included).</summary>
    public long ContentLength { get; private set; }

    /// <summary><c>Received:</c> header fields the client sent (ours not included): the hop count of RFC 5321 §6.3.</summary>
    public int ReceivedFields => _scan.ReceivedCount;

    /// <summary>Accounts for what the last read produced; writes to the blob when enough is gathered or <paramref name="flushNow"/> (end of DATA or of a chunk).</summary>
    public async ValueTask AfterInputAsync(bool flushNow)
    {
        if (_chunk is null || _writer is null) return;
        ContentLength = _flushed + _chunk.WrittenCount;
        if (!_scan.HeaderEnded) _scan.Feed(_chunk.WrittenMemory.Span[_scanned..]);
        _scanned = _chunk.WrittenCount;
        if (ContentLength > _limit)
        {
            TooBig = true;
            await ReleaseAsync().ConfigureAwait(false);
            return;
        }
        if (_chunk.WrittenCount < BlobWriteSize && !flushNow) return;
        try
        {
            if (_flushed == 0 && _writer.BytesWritten == 0) await WriteStartAsync(_writer, _chunk.WrittenMemory, _cancellationToken).ConfigureAwait(false);
            else if (_chunk.WrittenCount > 0) await _writer.WriteAsync(_chunk.WrittenMemory, _cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Disk full or similar: keep reading to the end of the data, then answer 451.
            StoreError = e;
            await ReleaseAsync().ConfigureAwait(false);
            return;
        }
        _flushed += _chunk.WrittenCount;
        _chunk.Clear();
        _scanned = 0;
    }

    /// <summary>
    /// Commits the blob and enqueues the inbound job after the inbound filter's check (<see cref="MessageIntake.CommitCheckedAsync"/>):
    /// null when accepted, else the reply that refuses the message. Throws what the store, queue or filter throws.
    /// </summary>
    public async Task<InboundRejection?> CommitAsync(MessageIntake intake, Envelope envelope, CancellationToken cancellationToken)
    {
        var writer = _writer ?? throw new InvalidOperationException("The message was discarded.");
        if (writer.BytesWritten == 0) await WriteStartAsync(writer, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        return await intake.CommitCheckedAsync(Id, writer, envelope, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The first write of the message: the Received field, then <paramref name="content"/> (all content so far). For a
    /// submission whose header has ended within it (the first 64 KiB, or the first BDAT chunk) the header goes edited:
    /// without Bcc, with the From, Date and Message-ID it lacks (<see cref="HeaderBlockEdit"/>). A header not ended by then
    /// is stored as it came.
    /// </summary>
    private async ValueTask WriteStartAsync(IBlobWriter writer, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
        if (_submission is { } submission && _scan.HeaderEnded && _scan.HeaderLength <= content.Length
            && (_scan.HasBcc || !_scan.HasFrom || !_scan.HasDate || !_scan.HasMessageId))
        {
            int headerLength = (int)_scan.HeaderLength;
            var missing = submission.Missing(_scan.HasFrom, _scan.HasDate, _scan.HasMessageId, Id);
            await writer.WriteAsync(HeaderBlockEdit.Rewrite(content.Span[..headerLength], _scan.HasBcc, missing), cancellationToken).ConfigureAwait(false);
            content = content[headerLength..];
        }
        if (content.Length > 0) await writer.WriteAsync(content, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask ReleaseAsync()
    {
        _chunk?.Dispose();
        _chunk = null;
        var writer = _writer;
        _writer = null;
        if (writer is not null) await writer.DisposeAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ReleaseAsync();
}
