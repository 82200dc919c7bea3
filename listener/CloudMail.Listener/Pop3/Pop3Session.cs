using System.Buffers;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Pop3;
using CloudMail.Listener.Pop3.Commands;
using CloudMail.Protocols.Pop3.Commands;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Pop3;

/// <summary>
/// One POP3 session (RFC 1939) on one connection: greeting, command loop, state transitions from
/// <see cref="Pop3StateTable"/>, error budget and timeouts. Each command runs in its handler in <c>Pop3/Commands</c>
/// (<see cref="Pop3CommandHandlers"/>); the login and the maildrop it holds are in <c>Pop3Session.Maildrop.cs</c>.
/// <para>
/// Replies are buffered and flushed only when no further pipelined command is already buffered (RFC 2449
/// §6.6 PIPELINING), or when the buffer reaches <see cref="ClientConnection.MaxPendingOutput"/>: then no
/// further command is read until it was sent, and the connection's write timeout bounds that, so a client
/// that pipelines without reading is disconnected instead of growing memory or holding the session.
/// </para>
/// <para>
/// The session ends on QUIT, on EOF, after <see cref="Pop3Options.MaxErrors"/> negative replies, after
/// <see cref="Pop3Options.IdleTimeout"/> without a complete command, counted from when the server starts
/// waiting for it, partial input notwithstanding (RFC 1939 §3: closed without a reply
/// and without UPDATE), or on server shutdown ("-ERR [SYS/TEMP]"). Only QUIT in TRANSACTION deletes.
/// </para>
/// </summary>
internal sealed partial class Pop3Session(ClientConnection connection, Pop3SessionServices services)
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private readonly Pop3Options _options = services.Options;
    private readonly ILogger _logger = services.Logger;
    private readonly Pop3CommandReader _reader = new();

    private Pop3State _state = Pop3State.Authorization;
    private int _errors;
    private string? _pendingUser;

    /// <summary>Parses one item (command line, SASL response) from the buffered input.</summary>
    public delegate Pop3ParseOutcome<T> Parser<T>(ref ReadOnlySequence<byte> buffer);

    public ClientConnection Connection => connection;

    public Pop3SessionServices Services => services;

    public Pop3Options Options => _options;

    public ILogger Logger => _logger;

    public Pop3CommandReader Reader => _reader;

    /// <summary>Where the session is in <see cref="Pop3StateTable"/>.</summary>
    public Pop3State State => _state;

    /// <summary>
    /// The name given by USER when it was the command just before this one (RFC 1939 §7: PASS is valid only
    /// immediately after USER; any other command forgets the name); else null.
    /// </summary>
    public string? UserJustGiven { get; private set; }

    /// <summary>USER accepted: the next command may be PASS.</summary>
    public void RememberUser(string name) => _pendingUser = name;

    /// <summary>Ends the session after this command (no UPDATE).</summary>
    public void Close() => _state = Pop3State.Closed;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Pop3Log.SessionStarted(_logger, connection.RemoteAddress, connection.Kind);
        try
        {
            Reply(Pop3Replies.Greeting(services.HostName));
            while (_state != Pop3State.Closed)
            {
                var outcome = await ReadAsync(_reader.ReadCommand, cancellationToken).ConfigureAwait(false);
                if (outcome is null) break;
                await ExecuteAsync(outcome, cancellationToken).ConfigureAwait(false);
                await connection.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
            }
            await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await CloseMaildropAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one parsed line: parser rejections and wrong-state commands become errors here (the one place),
    /// everything else goes to its handler; a handler that returns true completed the command's transition.
    /// </summary>
    private async Task ExecuteAsync(Pop3ParseOutcome<Pop3Command> outcome, CancellationToken cancellationToken)
    {
        // RFC 1939 §7: PASS is valid only immediately after USER; any other command forgets the name.
        UserJustGiven = _pendingUser;
        _pendingUser = null;
        switch (outcome)
        {
            case Pop3ParseOutcome<Pop3Command>.Reject reject:
                Error(reject.Reply);
                return;
            case Pop3ParseOutcome<Pop3Command>.Parsed { Value: var command }:
                if (Pop3StateTable.Check(_state, command.Kind) is { } wrongState)
                {
                    Error(wrongState);
                    return;
                }
                if (_state == Pop3State.Transaction && command.Kind != Pop3CommandKind.Quit
                    && !await services.Authenticator.IsActiveAsync(Maildrop.Account, cancellationToken).ConfigureAwait(false))
                {
                    // Disabled or removed since PASS: end without UPDATE, so nothing marked is expunged (RFC 1939 §6).
                    Pop3Log.AccountUnavailable(_logger, Maildrop.Account, connection.RemoteAddress);
                    Reply(Pop3Replies.AccountUnavailable);
                    Close();
                    return;
                }
                if (!await Pop3CommandHandlers.For(command.Kind)(this, command, cancellationToken).ConfigureAwait(false)) return;
                if (_state == Pop3State.Closed) return;
                _state = Pop3StateTable.After(_state, command.Kind);
                if (_state == Pop3State.Update) await UpdateAsync(cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>
    /// Reads until <paramref name="parse"/> yields something other than NeedMoreData. Null when the client
    /// went away, the idle timeout fired or the server is stopping; the session then ends.
    /// </summary>
    public async Task<Pop3ParseOutcome<T>?> ReadAsync<T>(Parser<T> parse, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_options.IdleTimeout); // the whole command must arrive in time, not just each byte
        try
        {
            while (true)
            {
                var input = connection.Input;
                if (!input.TryRead(out var result))
                {
                    await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
                    result = await input.ReadAsync(idle.Token).ConfigureAwait(false);
                }
                var buffer = result.Buffer;
                var outcome = parse(ref buffer);
                if (outcome is not Pop3ParseOutcome<T>.NeedMoreData)
                {
                    input.AdvanceTo(buffer.Start);
                    return outcome;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled) return null;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Pop3Log.IdleTimeout(_logger, connection.RemoteAddress, _state);
            _state = Pop3State.Closed;
            return null;
        }
        catch (OperationCanceledException)
        {
            await SayShuttingDownAsync().ConfigureAwait(false);
            _state = Pop3State.Closed;
            return null;
        }
    }

    private async Task SayShuttingDownAsync()
    {
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            Reply(Pop3Replies.ShuttingDown);
            await connection.FlushAsync(grace.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone or not reading; nothing more to say.
        }
    }

    /// <summary>
    /// Buffers one reply line and its CRLF. A positive reply in the TRANSACTION state ends a run of negative ones (see
    /// <see cref="Error"/>); before login nothing does, so USER (always +OK) cannot reset failed PASS attempts.
    /// </summary>
    public void Reply(string line)
    {
        if (_state == Pop3State.Transaction && line.StartsWith("+OK", StringComparison.Ordinal)) _errors = 0;
        connection.Write(line);
        connection.Write(Crlf);
    }

    /// <summary>
    /// Buffers a negative reply and counts it. The reply that makes <see cref="Pop3Options.MaxErrors"/> in a row (in
    /// all before login) is replaced by <see cref="Pop3Replies.TooManyErrors"/> and the session closes (without UPDATE):
    /// a client reading a maildrop that another session emptied meanwhile gets "-ERR" for each missing message and is
    /// not cut off while its other commands succeed (Dovecot does not count them at all).
    /// </summary>
    public void Error(string reply)
    {
        if (++_errors >= _options.MaxErrors)
        {
            Reply(Pop3Replies.TooManyErrors);
            Pop3Log.TooManyErrors(_logger, connection.RemoteAddress, _errors);
            _state = Pop3State.Closed;
            return;
        }
        Reply(reply);
    }
}
