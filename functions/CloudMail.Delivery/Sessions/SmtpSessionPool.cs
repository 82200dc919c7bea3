using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;

namespace CloudMail.Delivery.Sessions;

/// <summary>
/// Open SMTP connections kept between transactions, per <see cref="SmtpSessionKey"/>, so that mail to a busy destination
/// does not pay a TCP connect, greeting, EHLO, STARTTLS and AUTH for every message. After a completed transaction the
/// next one starts with MAIL on the same connection (RFC 5321 §3.3: a transaction ends with the reply to the data; no
/// RSET is needed). A connection is reused only when it is healthy (<see cref="PooledSmtpSession.IsUsable"/>), for at
/// most <see cref="MaxMessagesPerSession"/> messages, and only while idle for less than <see cref="IdleTimeout"/>; idle
/// ones past that get QUIT (RFC 5321 §4.1.1.10) from a sweep. The newest idle connection is handed out first, so spare
/// ones age out when traffic drops. Any error discards the connection (<see cref="SmtpSessionLease.Dispose"/>).
/// Thread-safe.
/// </summary>
public sealed class SmtpSessionPool : IAsyncDisposable, IDisposable
{
    /// <summary>How long a QUIT to a connection being closed may take before the socket is simply closed.</summary>
    public static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<SmtpSessionKey, List<PooledSmtpSession>> _idle = [];
    private readonly List<Task> _closing = [];
    private readonly TimeProvider _time;
    private ITimer? _sweeper;
    private bool _disposed;

    /// <param name="maxMessagesPerSession">Messages one connection carries before it is closed; 1 turns reuse off.</param>
    /// <param name="idleTimeout">How long a connection may wait for the next message.</param>
    /// <param name="time">Clock of the idle timeout and the sweep.</param>
    public SmtpSessionPool(int maxMessagesPerSession, TimeSpan idleTimeout, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessagesPerSession, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero);
        MaxMessagesPerSession = maxMessagesPerSession;
        IdleTimeout = idleTimeout;
        _time = time ?? TimeProvider.System;
    }

    public int MaxMessagesPerSession { get; }

    public TimeSpan IdleTimeout { get; }

    /// <summary>Connections waiting in the pool now.</summary>
    public int IdleCount
    {
        get
        {
            lock (_idle) return _idle.Values.Sum(l => l.Count);
        }
    }

    /// <summary>
    /// A usable idle connection for <paramref name="key"/> (<see cref="SmtpSessionLease.IsReused"/>), else a new
    /// unconnected client from <paramref name="create"/> that the caller connects. <paramref name="fresh"/>: always new
    /// (after a reused connection turned out dead).
    /// </summary>
    public SmtpSessionLease Rent(SmtpSessionKey key, Func<SmtpClient> create, bool fresh = false)
    {
        ArgumentNullException.ThrowIfNull(create);
        while (!fresh && TakeIdle(key) is { } idle)
        {
            if (idle.IsUsable(_time.GetUtcNow(), IdleTimeout)) return new SmtpSessionLease(this, idle, reused: true);
            Close(idle);
        }
        return new SmtpSessionLease(this, new PooledSmtpSession(key, create()), reused: false);
    }

    internal void Return(PooledSmtpSession session)
    {
        if (session.Messages >= MaxMessagesPerSession || !session.Client.IsConnected)
        {
            Close(session);
            return;
        }
        session.IdleSince = _time.GetUtcNow();
        lock (_idle)
        {
            if (!_disposed)
            {
                if (!_idle.TryGetValue(session.Key, out var list)) _idle[session.Key] = list = [];
                list.Add(session);
                _sweeper ??= _time.CreateTimer(_ => Sweep(), null, SweepPeriod, SweepPeriod);
                return;
            }
        }
        Close(session);
    }

    /// <summary>Closes a connection after an error without a QUIT (the session state is unknown).</summary>
    internal static void Discard(PooledSmtpSession session) => session.Client.Dispose();

    /// <summary>Closes every idle connection (QUIT, awaited) and every one returned later.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] closing;
        CloseAll();
        lock (_closing) closing = [.. _closing];
        await Task.WhenAll(closing).ConfigureAwait(false);
    }

    /// <summary>Closes every idle connection (QUIT sent in the background) and every one returned later.</summary>
    public void Dispose() => CloseAll();

    private void CloseAll()
    {
        List<PooledSmtpSession> idle;
        lock (_idle)
        {
            _disposed = true;
            _sweeper?.Dispose();
            _sweeper = null;
            idle = [.. _idle.Values.SelectMany(l => l)];
            _idle.Clear();
        }
        foreach (var session in idle) Close(session);
    }

    /// <summary>Half the idle timeout, at least 100 ms: a connection is closed at most 1.5 × <see cref="IdleTimeout"/> after its last use.</summary>
    private TimeSpan SweepPeriod => TimeSpan.FromTicks(Math.Max(IdleTimeout.Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks));

    private PooledSmtpSession? TakeIdle(SmtpSessionKey key)
    {
        lock (_idle)
        {
            if (!_idle.TryGetValue(key, out var list) || list.Count == 0) return null;
            var newest = list[^1];
            list.RemoveAt(list.Count - 1);
            return newest;
        }
    }

    /// <summary>Closes the connections idle for <see cref="IdleTimeout"/> or broken; stops sweeping when none is left.</summary>
    private void Sweep()
    {
        var expired = new List<PooledSmtpSession>();
        lock (_idle)
        {
            DateTimeOffset now = _time.GetUtcNow();
            foreach (var list in _idle.Values)
            {
                expired.AddRange(list.Where(s => !s.IsUsable(now, IdleTimeout)));
                list.RemoveAll(s => expired.Contains(s));
            }
            foreach (var key in _idle.Where(e => e.Value.Count == 0).Select(e => e.Key).ToList()) _idle.Remove(key);
            if (_idle.Count == 0)
            {
                _sweeper?.Dispose();
                _sweeper = null;
            }
        }
        foreach (var session in expired) Close(session);
    }

    /// <summary>QUIT, then closed; in the background, bounded by <see cref="QuitTimeout"/>.</summary>
    private void Close(PooledSmtpSession session)
    {
        Task quit = QuitAsync(session);
        lock (_closing)
        {
            _closing.RemoveAll(t => t.IsCompleted);
            _closing.Add(quit);
        }
    }

    private static async Task QuitAsync(PooledSmtpSession session)
    {
        try
        {
            using var timeout = new CancellationTokenSource(QuitTimeout);
            if (session.Client.IsConnected) await session.Client.DisconnectAsync(true, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException
                                      or ServiceNotConnectedException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is being dropped anyway; a peer that no longer listens changes nothing.
        }
        finally
        {
            session.Client.Dispose();
        }
    }
}
