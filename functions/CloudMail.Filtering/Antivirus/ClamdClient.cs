using System.Collections.Concurrent;
using System.Net.Sockets;

namespace CloudMail.Filtering.Antivirus;

/// <summary>
/// Scans a stream with clamd's INSTREAM command (clamd(8)) over a pool of session connections (<c>zIDSESSION</c>, see
/// <see cref="ClamdSession"/>), so that a busy server does not open and close a connection to clamd per message. A session
/// goes back to the pool only after clamd answered clean or infected; one idle longer than <see cref="MaxIdle"/> (under
/// clamd's default IdleTimeout of 30 s) or found closed is dropped. A scan that fails on a reused session before any
/// reply (clamd restarted or ended the session) is sent again once on a new connection when the content can be rewound.
/// Socket failures and timeouts of a fresh connection surface as exceptions (the scanner is unavailable); clamd's own
/// errors are a <see cref="ClamdVerdict.Failed"/>. Thread-safe.
/// </summary>
public sealed class ClamdClient(ClamdEndpoint endpoint)
{
    /// <summary>How long a session may wait in the pool: well under clamd's IdleTimeout default (30 s).</summary>
    public static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(10);

    /// <summary>Most sessions kept open while idle; scans beyond it in parallel use connections that close afterwards.</summary>
    public const int MaxPooled = 16;

    private readonly ConcurrentStack<ClamdSession> _idle = new();
    private long _connectionsOpened;

    public ClamdEndpoint Endpoint { get; } = endpoint;

    /// <summary>Connections opened to clamd so far (a diagnostic: with the pool it stays near the number of parallel scans).</summary>
    public long ConnectionsOpened => Interlocked.Read(ref _connectionsOpened);

    public async Task<ClamdVerdict> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        long start = content.CanSeek ? content.Position : -1;
        ClamdSession? session = TakeIdle();
        bool reused = session is not null;
        session ??= await OpenAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            try
            {
                return Keep(session, await session.ScanAsync(content, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (reused && e is IOException or SocketException && start >= 0 && !cancellationToken.IsCancellationRequested)
            {
                // clamd ended this session between scans: send the message again, once, on a new connection.
                session.Dispose();
                content.Position = start;
                reused = false;
                session = await OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
    }

    private async Task<ClamdSession> OpenAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connectionsOpened);
        return await ClamdSession.OpenAsync(Endpoint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The most recently used idle session that is still open and fresh; stale ones met on the way are closed.</summary>
    private ClamdSession? TakeIdle()
    {
        long now = Environment.TickCount64;
        while (_idle.TryPop(out var session))
        {
            if (now - session.LastUsed < MaxIdle.TotalMilliseconds && session.LooksOpen()) return session;
            session.Dispose();
        }
        return null;
    }

    /// <summary>Returns the session to the pool when clamd gave a verdict (after an error clamd may have closed it).</summary>
    private ClamdVerdict Keep(ClamdSession session, ClamdVerdict verdict)
    {
        if (verdict is ClamdVerdict.Failed || _idle.Count >= MaxPooled) session.Dispose();
        else _idle.Push(session);
        return verdict;
    }
}
