using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Parsing;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// One SMTP session (RFC 5321) on port 25, 587 or 465. Reads commands with <see cref="SmtpCommandReader"/>,
/// checks them against <see cref="SmtpStateTable"/> in <see cref="DispatchAsync"/> (the one place that
/// answers 503), and runs them. PIPELINING (RFC 2920 §3.2): every complete command already in the input is
/// run before replies are flushed; replies are flushed before the session waits for input, so their order
/// always matches the commands, and whenever <see cref="ClientConnection.MaxPendingOutput"/> is reached.
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

    private SmtpState _state = SmtpState.Connected;
    private string? _heloName;
    private bool _extended;
    private string? _authenticatedUser;
    private int _errors;
    private int _junkCommands;

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

    private string Remote => _connection.RemoteAddress;

    private ILogger Log => _s.Logger;

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
        if (!SmtpStateTable.TryGetNext(_state, command.Verb, out var next))
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
        switch (command)
        {
            case EhloCommand ehlo:
                await StartSessionAsync(ehlo.Domain, extended: true, next).ConfigureAwait(false);
                return true;
            case HeloCommand helo:
                await StartSessionAsync(helo.Domain, extended: false, next).ConfigureAwait(false);
                return true;
            case MailCommand mail:
                return await MailAsync(mail, next).ConfigureAwait(false);
            case RcptCommand rcpt:
                return await RcptAsync(rcpt, next).ConfigureAwait(false);
            case DataCommand:
                return await DataAsync(next).ConfigureAwait(false);
            case BdatCommand bdat:
                return await BdatAsync(bdat, next).ConfigureAwait(false);
            case AuthCommand auth:
                return await AuthAsync(auth, next).ConfigureAwait(false);
            case StartTlsCommand:
                return await StartTlsAsync(next).ConfigureAwait(false);
            case RsetCommand:
                await AbandonTransactionAsync().ConfigureAwait(false);
                _state = next;
                Send(SmtpReplies.Ok);
                return true;
            case NoopCommand:
                Send(SmtpReplies.Ok);
                return true;
            case VrfyCommand:
                Send(SmtpReplies.CannotVerify);
                return true;
            case HelpCommand:
                Send(SmtpReplies.Help);
                return true;
            case QuitCommand:
                Send(SmtpReplies.Bye);
                return false;
            default: // ExpnCommand: mailing lists are not disclosed (RFC 5321 §7.3).
                return Error(SmtpReplies.NotImplemented);
        }
    }

    /// <summary>The 502 reply for a command whose extension this endpoint or state does not offer, else null.</summary>
    private SmtpReply? NotOffered(SmtpCommand command) => command switch
    {
        AuthCommand when !_connection.Kind.IsSubmission() => SmtpReplies.NotImplemented, // port 25 never offers AUTH
        BdatCommand when !_o.EnableChunking => SmtpReplies.NotImplemented,
        StartTlsCommand when _connection.IsSecure => SmtpReplies.TlsAlreadyActive, // RFC 3207 §4.2
        _ => null,
    };

    /// <summary>EHLO/HELO (RFC 5321 §4.1.1.1): resets any transaction and answers with the extensions offered here.</summary>
    private async ValueTask StartSessionAsync(string domain, bool extended, SmtpState next)
    {
        await AbandonTransactionAsync().ConfigureAwait(false);
        _heloName = domain;
        _extended = extended;
        _state = next;
        if (!extended)
        {
            Send(SmtpReplies.Helo(_s.HostName));
            return;
        }
        var lines = new List<string>(10)
        {
            $"{_s.HostName} Hello {domain} [{Remote}]",
            "PIPELINING",
            $"SIZE {_o.MaxMessageSize}",
            "8BITMIME",
            "SMTPUTF8",
            "ENHANCEDSTATUSCODES",
        };
        if (_o.EnableChunking) lines.Add("CHUNKING");
        if (!_connection.IsSecure) lines.Add("STARTTLS");
        if (AuthOffered) lines.Add("AUTH " + Protocols.Sasl.SaslMechanisms.All);
        var sb = new StringBuilder(256);
        for (int i = 0; i < lines.Count; i++)
        {
            sb.Append(250).Append(i == lines.Count - 1 ? ' ' : '-').Append(lines[i]).Append("\r\n");
        }
        _connection.Write(sb.ToString());
    }

    /// <summary>Buffers a reply; it is sent at the next flush.</summary>
    private void Send(SmtpReply reply) => _connection.Write(reply.Wire);

    /// <summary>
    /// Sends an error reply and counts it. Returns false when the client has now made more than
    /// <see cref="SmtpOptions.MaxErrors"/> errors: 421 is queued and the session must end.
    /// </summary>
    private bool Error(SmtpReply reply)
    {
        Send(reply);
        if (++_errors <= _o.MaxErrors) return true;
        SmtpLog.TooManyErrors(Log, Remote, _o.MaxErrors);
        Send(SmtpReplies.TooManyErrors(_s.HostName));
        return false;
    }

    /// <summary>Flushes replies; the connection bounds it by its write timeout, so a client that stops reading cannot hold the session.</summary>
    private ValueTask FlushAsync() => _connection.FlushAsync(_io.Token);

    /// <summary>Flushes, then waits for more of the current command or SASL line until its <see cref="LineDeadline"/>.</summary>
    private async ValueTask<bool> ReadLineInputAsync()
    {
        await FlushAsync().ConfigureAwait(false);
        return await ReadMoreAsync(_line.Remaining(_s.Time, _o.CommandTimeout)).ConfigureAwait(false);
    }

    /// <summary>Waits for more DATA/BDAT content until the block's <paramref name="deadline"/>.</summary>
    private async ValueTask<bool> ReadDataInputAsync(TransferDeadline deadline)
    {
        await FlushAsync().ConfigureAwait(false);
        return await ReadMoreAsync(deadline.NextWait(_received)).ConfigureAwait(false);
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
    private void DiscardInput()
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
