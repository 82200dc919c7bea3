using System.Buffers;
using CloudMail.Core.Messages;
using CloudMail.Core.Storage;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Data;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// DATA and BDAT: the content streams into the blob store through <see cref="IncomingMessage"/>, with the
/// size limit enforced while it streams; 250 is sent only after <c>MessageIntake.CommitAsync</c> returned.
/// </summary>
internal sealed partial class SmtpSession
{
    /// <summary>Content is handed to the blob writer in writes of at least this size.</summary>
    private const int BlobWriteSize = 64 * 1024;

    /// <summary>The message of an open BDAT sequence (RFC 3030), kept between BDAT commands.</summary>
    private IncomingMessage? _chunked;

    /// <summary>
    /// DATA (RFC 5321 §4.1.1.4): 354, then content until &lt;CRLF&gt;.&lt;CRLF&gt; only (see <see cref="SmtpDataReader"/>
    /// for the smuggling rules). The transaction ends whatever the outcome.
    /// </summary>
    private async ValueTask<bool> DataAsync(SmtpState next)
    {
        var message = TryBeginMessage();
        if (message is null)
        {
            await AbandonTransactionAsync().ConfigureAwait(false);
            _state = next;
            return true;
        }
        await using var messageScope = message.ConfigureAwait(false);
        Send(SmtpReplies.StartMailInput);
        await FlushAsync().ConfigureAwait(false); // RFC 2920 §3.1: DATA ends a command group; the client waits for 354
        var reader = new SmtpDataReader();
        var deadline = NewDataDeadline();
        while (true)
        {
            bool done = reader.Read(ref _buffer, message.Output);
            await message.AfterInputAsync(done).ConfigureAwait(false);
            if (done) break;
            if (!await ReadDataInputAsync(deadline).ConfigureAwait(false)) return false; // client vanished mid-data
        }
        await FinishMessageAsync(message).ConfigureAwait(false);
        _state = next;
        return true;
    }

    /// <summary>
    /// BDAT (RFC 3030 §2): exactly <see cref="BdatCommand.Size"/> octets follow; each chunk gets a reply, the
    /// LAST one the final 250 (after commit). A chunk over the size limit is read and dropped, answered 552,
    /// and the transaction ends, so later BDATs of it get 503 (their octets are still skipped).
    /// </summary>
    private async ValueTask<bool> BdatAsync(BdatCommand bdat, SmtpState next)
    {
        _chunked ??= TryBeginMessage();
        if (_chunked is null)
        {
            await AbandonTransactionAsync().ConfigureAwait(false);
            _state = SmtpState.Greeted;
            return await SkipChunkAsync(bdat.Size).ConfigureAwait(false);
        }
        var reader = new BdatChunkReader(bdat.Size);
        var deadline = NewDataDeadline();
        while (true)
        {
            bool done = reader.Read(ref _buffer, _chunked.Output);
            await _chunked.AfterInputAsync(done).ConfigureAwait(false);
            if (done) break;
            if (!await ReadDataInputAsync(deadline).ConfigureAwait(false)) return false;
        }
        if (!bdat.Last && !_chunked.TooBig && _chunked.StoreError is null)
        {
            _state = next;
            Send(SmtpReplies.ChunkReceived(bdat.Size));
            return true;
        }
        var message = _chunked;
        _chunked = null;
        await using (message.ConfigureAwait(false))
        {
            await FinishMessageAsync(message).ConfigureAwait(false);
        }
        _state = SmtpState.Greeted;
        return true;
    }

    /// <summary>Reads and drops a BDAT chunk that is refused before it starts (RFC 3030 §2).</summary>
    private async ValueTask<bool> SkipChunkAsync(long size)
    {
        var reader = new BdatChunkReader(size);
        var deadline = NewDataDeadline();
        while (!reader.Read(ref _buffer, null))
        {
            if (!await ReadDataInputAsync(deadline).ConfigureAwait(false)) return false;
        }
        return true;
    }

    /// <summary>
    /// The deadline of one DATA or BDAT block. RFC 5321 §4.5.3.2 sets its timeouts per command and per data
    /// block and leaves the server's choice open beyond §4.5.3.2.7; CloudMail waits at most DataTimeout for any
    /// read (longer than the client's 3-minute data-block timeout of §4.5.3.2.5) and, so that progress by the
    /// byte cannot hold the session, wants the whole block within DataTimeout plus one second per MinDataRate
    /// octets received (as Postfix's smtpd_min_data_rate).
    /// </summary>
    private TransferDeadline NewDataDeadline() => new(_s.Time, _o.DataTimeout, _o.MinDataRate, _received);

    /// <summary>Starts a blob for the message; on a storage failure queues 451 and returns null.</summary>
    private IncomingMessage? TryBeginMessage()
    {
        string id = string.Empty;
        try
        {
            var (messageId, writer) = _s.Intake.Begin();
            id = messageId;
            var header = ReceivedHeader.Build(
                _heloName ?? string.Empty, Remote, _s.HostName, _extended, _mail?.SmtpUtf8 == true, _connection.IsSecure,
                _authenticatedUser is not null, _connection.TlsDescription, id, _recipients, _s.Time.GetUtcNow());
            return new IncomingMessage(id, writer, header, _o.MaxMessageSize, _io.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SmtpLog.CommitFailed(Log, e, id, Remote);
            Send(SmtpReplies.LocalError);
            return null;
        }
    }

    /// <summary>
    /// Replies for a fully received message: 552 when it was too big, else commit (blob fsync + durable
    /// inbound job) and 250 only after that returned; 451 when storing failed. Ends the transaction.
    /// </summary>
    private async ValueTask FinishMessageAsync(IncomingMessage message)
    {
        try
        {
            if (message.TooBig)
            {
                SmtpLog.MessageTooBig(Log, Remote, message.ContentLength, _o.MaxMessageSize);
                Send(SmtpReplies.MessageTooBig(_o.MaxMessageSize));
                return;
            }
            if (message.StoreError is not null)
            {
                SmtpLog.CommitFailed(Log, message.StoreError, message.Id, Remote);
                Send(SmtpReplies.LocalError);
                return;
            }
            var envelope = new Envelope(_mail!.ReversePath, [.. _recipients], _authenticatedUser, Remote, _heloName ?? string.Empty, _s.Time.GetUtcNow());
            // Not cut short by shutdown: data that was received completely is stored and answered.
            using var deadline = new CancellationTokenSource(_o.CommitTimeout);
            try
            {
                await message.CommitAsync(_s.Intake, envelope, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || deadline.IsCancellationRequested)
            {
                SmtpLog.CommitFailed(Log, e, message.Id, Remote);
                Send(SmtpReplies.LocalError);
                return;
            }
            SmtpLog.MessageAccepted(Log, message.Id, envelope.MailFrom, envelope.Recipients.Count, message.ContentLength, Remote, envelope.HeloName, _authenticatedUser);
            Send(SmtpReplies.Queued(message.Id));
            _junkCommands = 0; // as Postfix: a client that delivers mail starts its junk count again
        }
        finally
        {
            await AbandonTransactionAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask AbandonChunkedMessageAsync()
    {
        var chunked = _chunked;
        _chunked = null;
        if (chunked is not null) await chunked.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// One message being received: the blob writer (with the Received header already written), a pooled
    /// buffer that gathers content into large writes, and the size check. Once the content exceeds the
    /// limit, the writer is disposed (so no blob remains), <see cref="Output"/> becomes null and the rest
    /// of the content is only read, never stored or buffered.
    /// </summary>
    private sealed class IncomingMessage : IAsyncDisposable
    {
        private readonly long _limit;
        private readonly CancellationToken _cancellationToken;
        private readonly byte[] _header;
        private IBlobWriter? _writer;
        private PooledChunkBuffer? _chunk;
        private long _flushed;

        public IncomingMessage(string id, IBlobWriter writer, byte[] header, long limit, CancellationToken cancellationToken)
        {
            Id = id;
            _writer = writer;
            _header = header;
            _limit = limit;
            _cancellationToken = cancellationToken;
            _chunk = new PooledChunkBuffer(BlobWriteSize);
        }

        public string Id { get; }

        /// <summary>Where readers write content; null once the message is too big or storing failed (the rest is only read).</summary>
        public IBufferWriter<byte>? Output => _chunk;

        public bool TooBig { get; private set; }

        /// <summary>Set when writing to the blob store failed; the message is answered 451.</summary>
        public Exception? StoreError { get; private set; }

        /// <summary>Content octets seen so far (the Received header not included).</summary>
        public long ContentLength { get; private set; }

        /// <summary>Accounts for what the last read produced; writes to the blob when enough is gathered or <paramref name="flushNow"/> (end of DATA or of a chunk).</summary>
        public async ValueTask AfterInputAsync(bool flushNow)
        {
            if (_chunk is null || _writer is null) return;
            ContentLength = _flushed + _chunk.WrittenCount;
            if (ContentLength > _limit)
            {
                TooBig = true;
                await ReleaseAsync().ConfigureAwait(false);
                return;
            }
            if (_chunk.WrittenCount < BlobWriteSize && !flushNow) return;
            try
            {
                if (_flushed == 0 && _writer.BytesWritten == 0) await _writer.WriteAsync(_header, _cancellationToken).ConfigureAwait(false);
                if (_chunk.WrittenCount > 0) await _writer.WriteAsync(_chunk.WrittenMemory, _cancellationToken).ConfigureAwait(false);
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
        }

        /// <summary>Commits the blob and enqueues the inbound job; throws what the store or queue throws.</summary>
        public async Task CommitAsync(Core.Pipeline.MessageIntake intake, Envelope envelope, CancellationToken cancellationToken)
        {
            var writer = _writer ?? throw new InvalidOperationException("The message was discarded.");
            if (writer.BytesWritten == 0) await writer.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
            await intake.CommitAsync(Id, writer, envelope, cancellationToken).ConfigureAwait(false);
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
}
