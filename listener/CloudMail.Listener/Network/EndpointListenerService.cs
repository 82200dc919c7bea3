using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CloudMail.Core.Net;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Tls;
using CloudMail.Storage.Embedded.Files;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Network;

/// <summary>
/// Binds every enabled endpoint, accepts connections and runs the protocol handler for each. Implicit-TLS
/// endpoints handshake before the handler starts. Each accepted connection must fit under its client address's
/// limits (<see cref="ClientAddressLimiter"/>), then under the endpoint's cap
/// (<see cref="CloudMailOptions.MaxConnectionsPerEndpoint"/>, where a client holding far more than the newcomer's gives up
/// its oldest session, see <see cref="EndpointSeats"/>); otherwise it gets the protocol's refusal line
/// (<see cref="IConnectionHandler.RefusalLine"/>). After binding, writes DataDirectory/listening.json (endpoint name → bound port) so that tests and scripts using port 0 can find the server.
/// On shutdown stops accepting, signals sessions, and waits up to <see cref="CloudMailOptions.DrainTimeout"/>.
/// On an endpoint listed in <see cref="ProxyProtocolOptions.Endpoints"/>, only a trusted proxy may connect, and the
/// limits apply to the client its PROXY header names, once the header has arrived. All endpoints together hold no more
/// sessions than the process's open-file limit leaves room for (<see cref="SessionBudget"/>); when the kernel refuses a
/// descriptor to accept all the same, the endpoint waits <see cref="AcceptPause"/> before trying again rather than spin.
/// </summary>
public sealed partial class EndpointListenerService(
    IOptions<CloudMailOptions> options,
    IOptions<ClientLimitOptions> limits,
    IOptions<ProxyProtocolOptions> proxyProtocol,
    ClientAddressLimiter addresses,
    TlsCertificateProvider certificates,
    IServiceProvider services,
    ILogger<EndpointListenerService> logger) : IHostedService
{
    private readonly List<Socket> _listeners = [];
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _acceptLoops = [];
    private int _refusing;
    private SessionBudget _budget = new(int.MaxValue);
    private long _budgetLoggedAt = long.MinValue / 2;
    private long _acceptFailureLoggedAt = long.MinValue / 2;

    /// <summary>How long an endpoint waits after the kernel refused to accept for want of descriptors or memory.</summary>
    public static readonly TimeSpan AcceptPause = TimeSpan.FromMilliseconds(100);

    /// <summary>Bound ports by endpoint, filled during start.</summary>
    public IReadOnlyDictionary<EndpointKind, int> BoundPorts => _bound;

    private readonly Dictionary<EndpointKind, int> _bound = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        _ = certificates.Certificate; // fail fast on a bad certificate
        long? fileLimit = OpenFileLimit.Soft();
        _budget = SessionBudget.For(fileLimit, OpenFileLimit.InUse());
        if (_budget.Capacity != int.MaxValue) LogSessionBudget(fileLimit!.Value, _budget.Capacity);
        var address = Network.ListenAddress.Of(o.ListenAddress);
        foreach (var (kind, port) in Configured(o.Ports))
        {
            if (port < 0) continue;
            var socket = Bind(kind, new IPEndPoint(address, port), o.ListenAddress);
            _listeners.Add(socket);
            int bound = ((IPEndPoint)socket.LocalEndPoint!).Port;
            _bound[kind] = bound;
            LogListening(kind, Network.ListenAddress.WithPort(address, bound));
            var handler = services.GetRequiredKeyedService<IConnectionHandler>(kind.Protocol());
            _acceptLoops.Add(AcceptLoopAsync(socket, kind, handler, o.MaxConnectionsPerEndpoint));
        }
        string folder = DataFolder.Prepare(o.DataDirectory);
        await DataFolder.WriteFileAsync(Path.Combine(folder, "listening.json"),
            JsonSerializer.SerializeToUtf8Bytes(_bound.ToDictionary(kv => kv.Key.ToString().ToLowerInvariant(), kv => kv.Value)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Listens on <paramref name="endPoint"/> (never a port shared with another process, see <see cref="ListenSocket"/>).
    /// A port that cannot be had is an <see cref="IOException"/> naming the endpoint, its setting and what to do, as the
    /// operator reads it when <c>serve</c> exits: another mail server on port 25 is the common case on a fresh machine.
    /// </summary>
    private static Socket Bind(EndpointKind kind, IPEndPoint endPoint, string listenAddress)
    {
        try
        {
            return ListenSocket.Open(endPoint, 512);
        }
        catch (SocketException e)
        {
            string setting = $"CloudMail:Ports:{kind}";
            string why = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => $"the port is in use by another process (another mail server?); stop it, or set {setting} to another port or to -1 to leave this endpoint off",
                SocketError.AccessDenied => $"permission denied (ports below 1024 need root or the CAP_NET_BIND_SERVICE capability); or set {setting} to a port above 1023",
                SocketError.AddressNotAvailable => $"{listenAddress} is not an address of this machine (CloudMail:ListenAddress)",
                _ => e.Message,
            };
            throw new IOException($"Cannot listen on {endPoint} for {kind} ({setting}): {why}.", e);
        }
    }

    private static IEnumerable<(EndpointKind, int)> Configured(PortOptions p) =>
    [
        (EndpointKind.Smtp, p.Smtp), (EndpointKind.Submission, p.Submission), (EndpointKind.Submissions, p.Submissions),
        (EndpointKind.Imap, p.Imap), (EndpointKind.Imaps, p.Imaps), (EndpointKind.Pop3, p.Pop3), (EndpointKind.Pop3s, p.Pop3s),
    ];

    private async Task AcceptLoopAsync(Socket listener, EndpointKind kind, IConnectionHandler handler, int maxConnections)
    {
        var seats = new EndpointSeats(maxConnections);
        ProxyProtocolOptions proxy = proxyProtocol.Value;
        AddressRanges? trustedProxies = proxy.Endpoints.Contains(kind) && AddressRanges.TryParse(proxy.TrustedProxies, out var ranges, out _) ? ranges : null;
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable && !_stopping.IsCancellationRequested)
            {
                // EMFILE, ENFILE, ENOBUFS, ENOMEM: the waiting connection stays queued, so accepting again at once would
                // spin on the same failure. Pause, as nginx does, and let sessions end.
                if (OncePerMinute(ref _acceptFailureLoggedAt)) LogAcceptFailed(kind, e.Message, OpenFileLimit.Soft() ?? -1);
                try
                {
                    await Task.Delay(AcceptPause, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested) return;
                continue;
            }
            IPEndPoint remote;
            try
            {
                client.NoDelay = true;
                remote = (IPEndPoint)client.RemoteEndPoint!;
            }
            catch (SocketException)
            {
                client.Dispose(); // reset before we got to it
                continue;
            }
            if (trustedProxies is not null)
            {
                if (!trustedProxies.Contains(remote.Address.Unmapped()))
                {
                    LogUntrustedProxy(kind, remote);
                    client.Dispose();
                    continue;
                }
                Track(RunProxiedSessionAsync(client, kind, handler, seats));
                continue;
            }
            (Admission? admitted, ConnectionRefusal refused) = Admit(kind, remote, seats);
            if (admitted is null)
            {
                Refuse(client, kind, handler, refused);
                continue;
            }
            Track(RunSessionAsync(client, kind, handler, admitted));
        }
    }

    /// <summary>An admitted connection's places (address and endpoint; dispose once) and the token that ends its session.</summary>
    private sealed record Admission(IDisposable Slots, CancellationToken Evicted);

    /// <summary>
    /// Takes the client's address place and the endpoint's place, or gives null and the reason for the refusal.
    /// The address limits count the attempt first, so an address that floods is named as such even when the endpoint
    /// is full too.
    /// </summary>
    private (Admission? Admitted, ConnectionRefusal Refusal) Admit(EndpointKind kind, IPEndPoint client, EndpointSeats seats)
    {
        if (!addresses.TryAcquire(kind.Protocol(), client.Address, out var addressSlot, out var refusal))
        {
            if (refusal.FirstThisMinute) LogAddressRefused(kind, refusal.Client, refusal.Reason);
            return (null, refusal.Reason);
        }
        if (!_budget.TryTake())
        {
            addressSlot.Dispose();
            if (OncePerMinute(ref _budgetLoggedAt)) LogOverBudget(kind, client, _budget.Capacity, OpenFileLimit.Soft() ?? -1);
            return (null, ConnectionRefusal.ServerBusy);
        }
        string? counted = addresses.IsExempt(client.Address) ? null : ClientAddressPrefix.Of(client.Address, limits.Value.Ipv6PrefixLength);
        if (seats.TryTake(counted) is not { } seat)
        {
            _budget.Release();
            addressSlot.Dispose();
            LogTooMany(kind, client);
            return (null, ConnectionRefusal.ServerBusy);
        }
        return (new Admission(new ReleaseOnce(() =>
        {
            addressSlot.Dispose();
            seat.Dispose();
            _budget.Release();
        }), seat.Evicted), default);
    }

    /// <summary>True at most once a minute per <paramref name="loggedAt"/> (ticks of <see cref="Environment.TickCount64"/>).</summary>
    private static bool OncePerMinute(ref long loggedAt)
    {
        long now = Environment.TickCount64, last = Interlocked.Read(ref loggedAt);
        return now - last >= 60_000 && Interlocked.CompareExchange(ref loggedAt, now, last) == last;
    }

    /// <summary>
    /// A connection from a trusted proxy: reads its PROXY header within <see cref="ProxyProtocolOptions.HeaderTimeout"/>
    /// (no header, a malformed one or none in time: the connection is closed without a word, as the specification
    /// requires), takes the client it names as this connection's client, then admits and runs the session as
    /// <see cref="AcceptLoopAsync"/> does for a direct connection. A header without an address (a proxy's health check)
    /// leaves the proxy as the client.
    /// </summary>
    private async Task RunProxiedSessionAsync(Socket socket, EndpointKind kind, IConnectionHandler handler, EndpointSeats seats)
    {
        await Task.Yield();
        await using var connection = Open(socket, kind);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            deadline.CancelAfter(proxyProtocol.Value.HeaderTimeout);
            var header = await ProxyHeaderReader.ReadAsync(connection, deadline.Token).ConfigureAwait(false);
            if (header is not CloudMail.Protocols.Proxy.ProxyHeaderResult.Header { } proxied)
            {
                LogBadProxyHeader(kind, connection.PeerEndPoint, ((CloudMail.Protocols.Proxy.ProxyHeaderResult.Invalid)header).Reason);
                return;
            }
            if (proxied.Source is not null) connection.UseProxiedClient(proxied.Source);
        }
        catch (Exception e) when (IsDisconnect(e))
        {
            LogSessionEnded(kind, connection.RemoteAddress, "no PROXY header: " + e.GetType().Name);
            return;
        }
        (Admission? admitted, ConnectionRefusal refused) = Admit(kind, connection.RemoteEndPoint, seats);
        if (admitted is null)
        {
            await RefuseOpenedAsync(connection, kind, handler.RefusalLine(refused)).ConfigureAwait(false);
            return;
        }
        await RunOpenedAsync(connection, kind, handler, admitted).ConfigureAwait(false);
    }

    private void Track(Task task)
    {
        _sessions.TryAdd(task, 0);
        _ = task.ContinueWith(t => _sessions.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>
    /// Runs one session. The admission's places (the endpoint's and the address's) are released before the
    /// socket closes, so a client that sees the close can connect again at once.
    /// </summary>
    private async Task RunSessionAsync(Socket socket, EndpointKind kind, IConnectionHandler handler, Admission admitted)
    {
        await Task.Yield();
        try
        {
            await using var connection = Open(socket, kind);
            await RunOpenedAsync(connection, kind, handler, admitted).ConfigureAwait(false);
        }
        finally
        {
            admitted.Slots.Dispose();
        }
    }

    /// <summary>
    /// Runs one session on an opened connection until it ends, the server stops or its place is handed to a newcomer
    /// (then it ends as at shutdown); releases the admission's places when it ends.
    /// </summary>
    private async Task RunOpenedAsync(ClientConnection connection, EndpointKind kind, IConnectionHandler handler, Admission admitted)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, admitted.Evicted);
        try
        {
            if (kind.IsImplicitTls())
            {
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(ending.Token);
                handshake.CancelAfter(TimeSpan.FromSeconds(30));
                await connection.UpgradeToTlsAsync(handshake.Token).ConfigureAwait(false);
            }
            await handler.RunAsync(connection, ending.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsDisconnect(e))
        {
            LogSessionEnded(kind, connection.RemoteAddress, e.GetType().Name);
        }
        catch (Exception e)
        {
            LogSessionFailed(e, kind, connection.RemoteAddress);
        }
        finally
        {
            admitted.Slots.Dispose(); // before the connection is disposed
        }
    }

    /// <summary>The one place sessions and refusals wrap an accepted socket.</summary>
    private ClientConnection Open(Socket socket, EndpointKind kind) =>
        new(socket, certificates.Context, kind, options.Value.WriteTimeout, options.Value.MaxPendingOutput);

    private static bool IsDisconnect(Exception e) =>
        e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException;

    /// <summary>
    /// Turns a connection away with the protocol's one-line refusal (<see cref="IConnectionHandler.RefusalLine"/>),
    /// without starting a session, within <see cref="ClientLimitOptions.RefusalTimeout"/>. On implicit-TLS endpoints
    /// the line goes after the TLS handshake (a client cannot read it otherwise), except for an address over its
    /// connection rate: a handshake per refused attempt would hand a connect flood the CPU the rate limit protects,
    /// so that socket is just closed. Beyond <see cref="ClientLimitOptions.MaxConcurrentRefusals"/> refusals under
    /// way, sockets are closed without a reply, so refusals cannot pile up.
    /// </summary>
    private void Refuse(Socket socket, EndpointKind kind, IConnectionHandler handler, ConnectionRefusal reason)
    {
        bool replies = !(kind.IsImplicitTls() && reason == ConnectionRefusal.AddressRateExceeded);
        if (!replies || Interlocked.Increment(ref _refusing) > MaxRefusals)
        {
            if (replies) Interlocked.Decrement(ref _refusing);
            socket.Dispose();
            return;
        }
        Track(RefuseAsync(socket, kind, handler.RefusalLine(reason)));
    }

    /// <summary>Refusals under way at most: <see cref="ClientLimitOptions.MaxConcurrentRefusals"/>, fewer if the open-file limit says so.</summary>
    private int MaxRefusals => Math.Min(limits.Value.MaxConcurrentRefusals, _budget.RefusalCapacity);

    private async Task RefuseAsync(Socket socket, EndpointKind kind, string line)
    {
        await Task.Yield();
        await using var connection = Open(socket, kind);
        await DeliverRefusalAsync(connection, kind, line).ConfigureAwait(false);
    }

    /// <summary>The refusal of a proxied connection, whose header was read already (counted like any refusal).</summary>
    private async Task RefuseOpenedAsync(ClientConnection connection, EndpointKind kind, string line)
    {
        if (Interlocked.Increment(ref _refusing) > MaxRefusals)
        {
            Interlocked.Decrement(ref _refusing);
            return;
        }
        await DeliverRefusalAsync(connection, kind, line).ConfigureAwait(false);
    }

    /// <summary>Sends the refusal line; ends one counted refusal (<see cref="_refusing"/>) whatever happens.</summary>
    private async Task DeliverRefusalAsync(ClientConnection connection, EndpointKind kind, string line)
    {
        try
        {
            await SendRefusalAsync(connection, kind, line).ConfigureAwait(false);
        }
        catch (Exception e) when (IsDisconnect(e))
        {
            LogRefusalUndelivered(kind, e.GetType().Name);
        }
        finally
        {
            Interlocked.Decrement(ref _refusing);
        }
    }

    private async Task SendRefusalAsync(ClientConnection connection, EndpointKind kind, string line)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(limits.Value.RefusalTimeout);
        if (kind.IsImplicitTls()) await connection.UpgradeToTlsAsync(timeout.Token).ConfigureAwait(false);
        await connection.WriteLineAsync(line, timeout.Token).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var l in _listeners) l.Dispose();
        var drain = Task.WhenAll(_sessions.Keys);
        var o = options.Value;
        // Give sessions a moment to finish what they are doing (e.g. a DATA commit) before signalling.
        await Task.WhenAny(drain, Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken)).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAny(drain, Task.Delay(o.DrainTimeout, cancellationToken)).ConfigureAwait(false);
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Endpoint} expects the PROXY protocol; closed a connection from {Remote}, which is not a trusted proxy")]
    private partial void LogUntrustedProxy(EndpointKind endpoint, EndPoint? remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Endpoint}: closed a connection from proxy {Proxy}: {Reason}")]
    private partial void LogBadProxyHeader(EndpointKind endpoint, EndPoint? proxy, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for {Endpoint} on {EndPoint}")]
    private partial void LogListening(EndpointKind endpoint, string endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection limit of {Endpoint} reached; refused {Client}: {Reason} (logged once a minute per client)")]
    private partial void LogAddressRefused(EndpointKind endpoint, string client, ConnectionRefusal reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Open-file limit {Limit}: at most {Sessions} client sessions at once over all endpoints (raise the limit, e.g. LimitNOFILE= in a systemd unit, for more)")]
    private partial void LogSessionBudget(long limit, int sessions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Endpoint}: refused {Remote}: {Sessions} client sessions are open, as many as the open-file limit ({Limit}) leaves room for; raise it (ulimit -n, LimitNOFILE=) to take more (logged once a minute)")]
    private partial void LogOverBudget(EndpointKind endpoint, EndPoint? remote, int sessions, long limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Endpoint}: cannot accept connections: {Reason} (open-file limit {Limit}); trying again every 100 ms (logged once a minute)")]
    private partial void LogAcceptFailed(EndpointKind endpoint, string reason, long limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection limit reached on {Endpoint}; refused {Remote}")]
    private partial void LogTooMany(EndpointKind endpoint, EndPoint? remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Endpoint} session from {Remote} ended: {Reason}")]
    private partial void LogSessionEnded(EndpointKind endpoint, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Endpoint} refusal not delivered: {Reason}")]
    private partial void LogRefusalUndelivered(EndpointKind endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Endpoint} session from {Remote} failed")]
    private partial void LogSessionFailed(Exception exception, EndpointKind endpoint, string remote);
}
