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

    /// <summary>
    /// Most content of a submission kept in memory while its header has not ended (across DATA reads and BDAT chunks), so
    /// that the header is edited as a whole: a Bcc field split from the rest by a chunk boundary is still removed. The
    /// same 256 KiB as Exchange's MaxHeaderSize and the send API's MaxRawHeaderSize; a longer header is stored as it came
    /// (or refused, when its From is checked: <see cref="SmtpOptions.RequireOwnedFromHeader"/>).
    /// </summary>
    internal const int SubmissionHeaderHold = 256 * 1024;

    private readonly long _limit;
    private readonly CancellationToken _cancellationToken;
    private readonly byte[] _header;
    private IBlobWriter? _writer;
    private PooledBufferWriter? _chunk;
    private long _flushed;
    private readonly HeaderFieldScanner _scan = new();
    private int _scanned;
    private readonly SubmissionHeaderFields? _submission;
    private bool _completed;

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

    /// <summary>
    /// A submission's From and Sender addresses (<see cref="AuthorAddresses.Read"/>), known once its start is written
    /// (<see cref="CompleteAsync"/>); null when a field names no mailbox or when the header did not end within
    /// <see cref="SubmissionHeaderHold"/> (<see cref="HeaderTooLong"/>): then nobody can be checked.
    /// </summary>
    public IReadOnlyList<string>? Authors { get; private set; }

    /// <summary>
    /// A submission's newest Resent-From and Resent-Sender addresses (<see cref="AuthorAddresses.ReadResent"/>), known
    /// with <see cref="Authors"/>: empty when it is not a redirect, null when such a field names no mailbox or the header
    /// was not read.
    /// </summary>
    public IReadOnlyList<string>? Redirectors { get; private set; }

    /// <summary>A submission whose header did not end within <see cref="SubmissionHeaderHold"/>: written as it came, its authors unread.</summary>
    public bool HeaderTooLong { get; private set; }

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
        if (_submission is not null && _flushed == 0 && !_scan.HeaderEnded && _chunk.WrittenCount < SubmissionHeaderHold) return;
        try
        {
            await WritePendingAsync(_writer, _chunk, complete: false, _cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Disk full or similar: keep reading to the end of the data, then answer 451.
            StoreError = e;
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Commits the blob and enqueues the inbound job after the inbound filter's check (<see cref="MessageIntake.CommitCheckedAsync"/>):
    /// null when accepted, else the reply that refuses the message. Throws what the store, queue or filter throws.
    /// </summary>
    public async Task<InboundRejection?> CommitAsync(MessageIntake intake, Envelope envelope, CancellationToken cancellationToken)
    {
        await CompleteAsync(cancellationToken).ConfigureAwait(false);
        return await intake.CommitCheckedAsync(Id, _writer!, envelope, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes what is still gathered once the whole message has been received (then <see cref="Authors"/> is known). Idempotent.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed) return;
        var writer = _writer ?? throw new InvalidOperationException("The message was discarded.");
        var chunk = _chunk ?? throw new InvalidOperationException("The message was discarded.");
        await WritePendingAsync(writer, chunk, complete: true, cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    /// <summary>
    /// Writes the content gathered in <paramref name="chunk"/> (the start of the message first, when nothing is written
    /// yet) and empties it; <paramref name="complete"/> when it ends the message.
    /// </summary>
    private async ValueTask WritePendingAsync(IBlobWriter writer, PooledBufferWriter chunk, bool complete, CancellationToken cancellationToken)
    {
        if (_flushed == 0 && writer.BytesWritten == 0) await WriteStartAsync(writer, chunk.WrittenMemory, complete, cancellationToken).ConfigureAwait(false);
        else if (chunk.WrittenCount > 0) await writer.WriteAsync(chunk.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _flushed += chunk.WrittenCount;
        chunk.Clear();
        _scanned = 0;
    }

    /// <summary>
    /// The first write of the message: the Received field, then <paramref name="content"/> (all content so far). For a
    /// submission whose header has ended within it (a submission's content is held until its header ends, up to
    /// <see cref="SubmissionHeaderHold"/>), or that is all header (<paramref name="complete"/> without an empty line:
    /// RFC 5322 §3.5 makes the body optional), the header goes edited: without Bcc, with the From, Date and Message-ID it
    /// lacks (<see cref="HeaderBlockEdit"/>), and its <see cref="Authors"/> and <see cref="Redirectors"/> are read. A longer header is stored as it came.
    /// </summary>
    private async ValueTask WriteStartAsync(IBlobWriter writer, ReadOnlyMemory<byte> content, bool complete, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
        if (_submission is not null && content.Length == 0) (Authors, Redirectors) = ([], []); // an empty message names nobody
        else if (_submission is { } submission)
        {
            if (complete && !_scan.HeaderEnded && content.Span[^1] != (byte)'\n')
                _scan.Feed(content.Span[^1] == (byte)'\r' ? "\n"u8 : "\r\n"u8); // BDAT may end the last field without its line break
            long headerLength = _scan.HeaderEnded ? _scan.HeaderLength : complete ? content.Length : -1;
            HeaderTooLong = headerLength < 0 || headerLength > content.Length;
            if (!HeaderTooLong)
                (Authors, Redirectors) = (AuthorAddresses.Read(content.Span[..(int)headerLength]), AuthorAddresses.ReadResent(content.Span[..(int)headerLength]));
            if (!HeaderTooLong && (_scan.HasBcc || !_scan.HasFrom || !_scan.HasDate || !_scan.HasMessageId))
            {
                var missing = submission.Missing(_scan.HasFrom, _scan.HasDate, _scan.HasMessageId, Id);
                await writer.WriteAsync(HeaderBlockEdit.Rewrite(content.Span[..(int)headerLength], _scan.HasBcc, missing), cancellationToken).ConfigureAwait(false);
                content = content[(int)headerLength..];
            }
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
