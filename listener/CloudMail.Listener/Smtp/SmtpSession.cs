using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Authentication;
using CloudMail.Listener.Network;
using CloudMail.Listener.Smtp.Commands;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Data;
using CloudMail.Protocols.Smtp.Parsing;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// One SMTP session (RFC 5321) on port 25, 587 or 465. Reads commands with <see cref="SmtpCommandReader"/>,
/// checks them against <see cref="SmtpStateTable"/> in <see cref="DispatchAsync"/> (the one place that
/// answers 503), and runs them with their handler in <c>Smtp/Commands</c> (<see cref="SmtpCommandHandlers"/>).
/// Per-state data are records: <see cref="SmtpGreeting"/>, <see cref="SmtpIdentity"/>, <see cref="SmtpTransaction"/>.
/// PIPELINING (RFC 2920 §3.2): every complete command already in the input is run before replies are flushed;
/// replies are flushed before the session waits for input, so their order always matches the commands, and whenever <see cref="ClientConnection.MaxPendingOutput"/> is reached.
/// <para>
/// Time limits (RFC 5321 §4.5.3.2): each command line must arrive within <see cref="SmtpOptions.CommandTimeout"/>
/// of the server starting to wait for it (<see cref="LineDeadline"/>: partial input does not restart the clock);
/// each DATA/BDAT block within the <see cref="TransferDeadline"/> made of <see cref="SmtpOptions.DataTimeout"/>
/// and <see cref="SmtpOptions.MinDataRate"/>; the session within <see cref="SmtpOptions.MaxSessionDuration"/>.
/// Each expiry is answered 421 4.4.2 and closes the connection; output is bounded by the connection's write timeout.
/// </para>
/// </summary>
internal sealed partial class SmtpSession
{
    /// <summary>Reads DATA or BDAT content from the input buffer into the output (or only reads it when null); true when the block is complete.</summary>
    public delegate bool ContentReader(ref ReadOnlySequence<byte> input, IBufferWriter<byte>? output);

    private readonly ClientConnection _connection;
    private readonly SmtpSessionServices _s;
    private readonly SmtpOptions _o;
    private readonly SmtpCommandReader _reader;
    private readonly CancellationToken _shutdown;
    private readonly CancellationTokenSource _io;

    private readonly long _started;

    private ReadOnlySequence<byte> _buffer;
    private bool _holdingBuffer;

    /// <summary>Octets received from the client so far (what <see cref="TransferDeadline"/> counts).</summary>
    private long _received;

    private LineDeadline _line;

    /// <summary>The current wait ends at the session's time limit rather than its own (decides the 421 text).</summary>
    private bool _waitEndsSession;

    private int _errors;
    private int _junkCommands;
    private int _unknownRecipients;
    private Task<string?>? _blocklisted;

    private SmtpSession(ClientConnection connection, SmtpSessionServices services, CancellationToken shutdown)
    {
        _connection = connection;
        _s = services;
        _o = services.Options;
        _reader = new SmtpCommandReader(_o.MaxCommandLineLength, _o.MaxAuthLineLength);
        _started = services.Time.GetTimestamp();
        _shutdown = shutdown;
        _io = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
    }

    public ClientConnection Connection => _connection;

    public SmtpSessionServices Services => _s;

    public SmtpOptions Options => _o;

    /// <summary>Cancelled on shutdown and when a wait expires; what every storage call of a handler takes.</summary>
    public CancellationToken Token => _io.Token;

    /// <summary>Cancelled only on server shutdown (bounds the TLS handshake).</summary>
    public CancellationToken Shutdown => _shutdown;

    public string Remote => _connection.RemoteAddress;

    /// <summary>The blocklist zone that lists this client (port 25, blocklists configured), or null.</summary>
    public async Task<string?> BlocklistingZoneAsync() => _blocklisted is null ? null : await _blocklisted.ConfigureAwait(false);

    /// <summary>The client as <see cref="SendingRateLimiter"/> counts it: its address, IPv6 cut to the /64.</summary>
    public string RateKey => Network.ClientAddressPrefix.Of(_connection.RemoteEndPoint.Address, 64);

    public ILogger Log => _s.Logger;

    /// <summary>Where the session is in <see cref="SmtpStateTable"/>; handlers enter the next state on success.</summary>
    public SmtpState State { get; private set; } = SmtpState.Connected;

    /// <summary>What HELO/EHLO said; null before it (and after STARTTLS, RFC 3207 §4.2).</summary>
    public SmtpGreeting? Greeting { get; private set; }

    /// <summary>Who logged in with AUTH; null before (and after STARTTLS).</summary>
    public SmtpIdentity? Identity { get; private set; }

    /// <summary>The open mail transaction (MAIL given); null outside one.</summary>
    public SmtpTransaction? Transaction { get; private set; }

    /// <summary>Moves to <paramref name="next"/> (from <see cref="SmtpStateTable"/>).</summary>
    public void EnterState(SmtpState next) => State = next;

    /// <summary>HELO/EHLO accepted: the transaction is reset by the caller, the greeting replaced.</summary>
    public void Greeted(SmtpGreeting greeting, SmtpState next)
    {
        Greeting = greeting;
        State = next;
    }

    /// <summary>AUTH succeeded.</summary>
    public void Authenticated(SmtpIdentity identity, SmtpState next)
    {
        Identity = identity;
        State = next;
    }

    /// <summary>MAIL or RCPT accepted: the transaction is replaced by its next version.</summary>
    public void Advance(SmtpTransaction transaction, SmtpState next)
    {
        Transaction = transaction;
        State = next;
    }

    /// <summary>After the TLS handshake everything learned before is forgotten (RFC 3207 §4.2).</summary>
    public void ForgetAll(SmtpState next)
    {
        Greeting = null;
        Identity = null;
        State = next;
    }

    /// <summary>Runs a session to its end. Never throws for client behaviour or I/O failure.</summary>
    public static async Task RunAsync(ClientConnection connection, SmtpSessionServices services, CancellationToken shutdown)
    {
        var session = new SmtpSession(connection, services, shutdown);
        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            session._io.Dispose();
        }
    }

    private async Task RunAsync()
    {
        SmtpLog.SessionStarted(Log, Remote, _connection.Kind);
        // Port 25 only: the blocklists are asked at once and the answer awaited at the first RCPT (RFC 5782).
        if (_s.Dnsbl is { } dnsbl && _connection.Kind == EndpointKind.Smtp)
            _blocklisted = dnsbl.ListingZoneAsync(_connection.RemoteEndPoint.Address, _io.Token);
        string reason = "closed";
        try
        {
            Send(SmtpReplies.Greeting(_s.HostName));
            reason = await CommandLoopAsync().ConfigureAwait(false);
            await FlushAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_io.IsCancellationRequested)
        {
            var (why, reply) = _shutdown.IsCancellationRequested ? ("shutdown", SmtpReplies.ShuttingDown(_s.HostName))
                : _waitEndsSession ? ("session time limit", SmtpReplies.SessionTooLong(_s.HostName))
                : ("timeout", SmtpReplies.Timeout(_s.HostName));
            reason = why;
            await TrySendFinalAsync(reply).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or AuthenticationException)
        {
            reason = e.GetType().Name;
        }
        finally
        {
            await AbandonTransactionAsync().ConfigureAwait(false);
            SmtpLog.SessionEnded(Log, Remote, reason);
        }
    }

    /// <summary>Runs commands until QUIT, end of input, or a reason to close. Returns why it stopped.</summary>
    private async Task<string> CommandLoopAsync()
    {
        while (true)
        {
            var result = _reader.Read(ref _buffer);
            if (result.Status != SmtpParseStatus.NeedMoreData) _line.Reset();
            switch (result.Status)
            {
                case SmtpParseStatus.NeedMoreData:
                    if (!await ReadLineInputAsync().ConfigureAwait(false)) return "end of input";
                    continue;
                case SmtpParseStatus.Reject:
                    if (!Error(result.Reply!)) return "too many errors";
                    if (result.CloseAfterReply)
                    {
                        Send(SmtpReplies.CannotResynchronize(_s.HostName));
                        return "unreadable BDAT";
                    }
                    break;
                default:
                    if (!await DispatchAsync(result.Command!).ConfigureAwait(false)) return "quit or error";
                    break;
            }
            await _connection.FlushIfFullAsync(_io.Token).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Checks the command against the state table and runs it. Returns false when the session must end.
    /// Commands for extensions this endpoint does not offer get 502 first; then every command not allowed
    /// in the current state gets 503 5.5.1 here and nowhere else (RFC 5321 §4.1.4).
    /// </summary>
    private async ValueTask<bool> DispatchAsync(SmtpCommand command)
    {
        if (NotOffered(command) is { } notOffered)
        {
            if (command is BdatCommand skipped && !await SkipChunkAsync(skipped.Size).ConfigureAwait(false)) return false;
            return Error(notOffered);
        }
        if (!SmtpStateTable.TryGetNext(State, command.Verb, out var next))
        {
            // RFC 3030 §2: a refused BDAT's octets are still read, or they would be taken as commands.
            if (command is BdatCommand refused && !await SkipChunkAsync(refused.Size).ConfigureAwait(false)) return false;
            return Error(SmtpReplies.BadSequence);
        }
        if (SmtpJunkCommands.IsJunk(command.Verb) && ++_junkCommands > _o.MaxJunkCommands)
        {
            SmtpLog.TooManyJunkCommands(Log, Remote, _o.MaxJunkCommands);
            Send(SmtpReplies.TooManyJunkCommands(_s.HostName));
            return false;
        }
        return await SmtpCommandHandlers.For(command.Verb)(this, command, next).ConfigureAwait(false);
    }

    /// <summary>
    /// AUTH is offered only on submission endpoints, only before a successful AUTH, and only over TLS
    /// unless <see cref="SmtpOptions.AllowInsecureAuth"/> (RFC 8314 §3; RFC 4954 §4 forbids advertising a
    /// mechanism that would send a password in the clear when that is not allowed).
    /// </summary>
    public bool AuthOffered =>
        _connection.Kind.IsSubmission() && Identity is null && (_connection.IsSecure || _o.AllowInsecureAuth);

    /// <summary>The 502 reply for a command whose extension this endpoint or state does not offer, else null.</summary>
    private SmtpReply? NotOffered(SmtpCommand command) => command switch
    {
        AuthCommand when !_connection.Kind.IsSubmission() => SmtpReplies.NotImplemented, // port 25 never offers AUTH
        BdatCommand when !_o.EnableChunking => SmtpReplies.NotImplemented,
        StartTlsCommand when _connection.IsSecure => SmtpReplies.TlsAlreadyActive, // RFC 3207 §4.2
        _ => null,
    };

    /// <summary>Buffers a reply; it is sent at the next flush.</summary>
    public void Send(SmtpReply reply) => _connection.Write(reply.Wire);

    /// <summary>
    /// Sends an error reply and counts it. Returns false when the client has now made more than
    /// <see cref="SmtpOptions.MaxErrors"/> errors: 421 is queued and the session must end.
    /// </summary>
    public bool Error(SmtpReply reply)
    {
        Send(reply);
        if (++_errors <= _o.MaxErrors) return true;
        SmtpLog.TooManyErrors(Log, Remote, _o.MaxErrors);
        Send(SmtpReplies.TooManyErrors(_s.HostName));
        return false;
    }

    /// <summary>
    /// Sends a refusal of an unknown recipient and counts it as an error and against
    /// <see cref="SmtpOptions.MaxUnknownRecipients"/>. Returns false when the session must end (421 queued).
    /// </summary>
    public bool UnknownRecipient(SmtpReply reply)
    {
        if (++_unknownRecipients <= _o.MaxUnknownRecipients) return Error(reply);
        Send(reply);
        SmtpLog.TooManyUnknownRecipients(Log, Remote, _o.MaxUnknownRecipients);
        Send(SmtpReplies.TooManyUnknownRecipients(_s.HostName));
        return false;
    }

    /// <summary>Flushes replies; the connection bounds it by its write timeout, so a client that stops reading cannot hold the session.</summary>
    public ValueTask FlushAsync() => _connection.FlushAsync(_io.Token);

    /// <summary>Flushes, then waits for more of the current command or SASL line until its <see cref="LineDeadline"/>.</summary>
    public async ValueTask<bool> ReadLineInputAsync()
    {
        await FlushAsync().ConfigureAwait(false);
        return await ReadMoreAsync(_line.Remaining(_s.Time, _o.CommandTimeout)).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads one DATA or BDAT block with <paramref name="read"/> (a <see cref="SmtpDataReader"/> or
    /// <see cref="BdatChunkReader"/>) into <paramref name="message"/>, or only reads it when null, within the
    /// block's <see cref="NewDataDeadline"/>. Returns false when the client vanished mid-block.
    /// </summary>
    public async ValueTask<bool> ReceiveBlockAsync(ContentReader read, IncomingMessage? message)
    {
        var deadline = NewDataDeadline();
        while (true)
        {
            bool done = read(ref _buffer, message?.Output);
            if (message is not null) await message.AfterInputAsync(done).ConfigureAwait(false);
            if (done) return true;
            await FlushAsync().ConfigureAwait(false);
            // The client may hold the rest of the block (a BDAT chunk after its command line, DATA's final ".") until what
            // it sent is acknowledged (Nagle): acknowledge now instead of after the kernel's delayed-ACK timer.
            _connection.AcknowledgeNow();
            if (!await ReadMoreAsync(deadline.NextWait(_received)).ConfigureAwait(false)) return false;
        }
    }

    /// <summary>Reads and drops a BDAT chunk that is refused before it starts (RFC 3030 §2).</summary>
    public ValueTask<bool> SkipChunkAsync(long size) => ReceiveBlockAsync(new BdatChunkReader(size).Read, null);

    /// <summary>
    /// The deadline of one DATA or BDAT block. RFC 5321 §4.5.3.2 sets its timeouts per command and per data
    /// block and leaves the server's choice open beyond §4.5.3.2.7; CloudMail waits at most DataTimeout for any
    /// read (longer than the client's 3-minute data-block timeout of §4.5.3.2.5) and, so that progress by the
    /// byte cannot hold the session, wants the whole block within DataTimeout plus one second per MinDataRate
    /// octets received (as Postfix's smtpd_min_data_rate).
    /// </summary>
    private TransferDeadline NewDataDeadline() => new(_s.Time, _o.DataTimeout, _o.MinDataRate, _received);

    /// <summary>Reads one SASL response line. <see cref="SmtpLineStatus.NeedMoreData"/> means the input ended.</summary>
    public async ValueTask<(SmtpLineStatus Status, string? Line)> ReadResponseLineAsync()
    {
        while (true)
        {
            var status = _reader.ReadText(ref _buffer, out string? line);
            if (status != SmtpLineStatus.NeedMoreData)
            {
                _line.Reset();
                return (status, line);
            }
            if (!await ReadLineInputAsync().ConfigureAwait(false)) return (SmtpLineStatus.NeedMoreData, null);
        }
    }

    /// <summary>
    /// Flushes pending replies, then waits up to <paramref name="wait"/> (never past the session's time limit)
    /// for more input. Returns false at end of input. Throws <see cref="OperationCanceledException"/> when the
    /// wait expires or on shutdown.
    /// </summary>
    private async ValueTask<bool> ReadMoreAsync(TimeSpan wait)
    {
        await FlushAsync().ConfigureAwait(false);
        PipeReader input = _connection.Input;
        long unconsumed = _buffer.Length;
        if (_holdingBuffer)
        {
            input.AdvanceTo(_buffer.Start, _buffer.End);
            _holdingBuffer = false;
        }
        var sessionLeft = _o.MaxSessionDuration - _s.Time.GetElapsedTime(_started);
        _waitEndsSession = sessionLeft <= wait;
        if (_waitEndsSession) wait = sessionLeft;
        if (wait <= TimeSpan.Zero)
        {
            await _io.CancelAsync().ConfigureAwait(false);
            _io.Token.ThrowIfCancellationRequested();
        }
        _io.CancelAfter(wait);
        ReadResult read = await input.ReadAsync(_io.Token).ConfigureAwait(false);
        _io.CancelAfter(Timeout.InfiniteTimeSpan);
        _buffer = read.Buffer;
        _holdingBuffer = true;
        _received += read.Buffer.Length - unconsumed;
        return !(read.IsCompleted && read.Buffer.Length <= unconsumed);
    }

    /// <summary>Drops everything buffered from the client (before a TLS handshake).</summary>
    public void DiscardInput()
    {
        if (_holdingBuffer) _connection.Input.AdvanceTo(_buffer.End);
        _holdingBuffer = false;
        _buffer = default;
    }

    /// <summary>Best-effort last reply (421) with its own short deadline; the session ends either way.</summary>
    private async Task TrySendFinalAsync(SmtpReply reply)
    {
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            Send(reply);
            await _connection.FlushAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
    }
}
