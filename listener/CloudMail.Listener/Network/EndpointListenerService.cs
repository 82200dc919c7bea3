using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
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
/// (<see cref="CloudMailOptions.MaxConnectionsPerEndpoint"/>); otherwise it gets the protocol's refusal line
/// (<see cref="IConnectionHandler.RefusalLine"/>). After binding, writes DataDirectory/listening.json (endpoint name → bound port) so that tests and scripts using port 0 can find the server.
/// On shutdown stops accepting, signals sessions, and waits up to <see cref="CloudMailOptions.DrainTimeout"/>.
/// </summary>
public sealed partial class EndpointListenerService(
    IOptions<CloudMailOptions> options,
    IOptions<ClientLimitOptions> limits,
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

    /// <summary>Bound ports by endpoint, filled during start.</summary>
    public IReadOnlyDictionary<EndpointKind, int> BoundPorts => _bound;

    private readonly Dictionary<EndpointKind, int> _bound = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        _ = certificates.Certificate; // fail fast on a bad certificate
        var address = IPAddress.Parse(o.ListenAddress);
        foreach (var (kind, port) in Configured(o.Ports))
        {
            if (port < 0) continue;
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
            _listeners.Add(socket);
            int bound = ((IPEndPoint)socket.LocalEndPoint!).Port;
            _bound[kind] = bound;
            LogListening(kind, o.ListenAddress, bound);
            var handler = services.GetRequiredKeyedService<IConnectionHandler>(kind.Protocol());
            _acceptLoops.Add(AcceptLoopAsync(socket, kind, handler, o.MaxConnectionsPerEndpoint));
        }
        string folder = DataFolder.Prepare(o.DataDirectory);
        await DataFolder.WriteFileAsync(Path.Combine(folder, "listening.json"),
            JsonSerializer.SerializeToUtf8Bytes(_bound.ToDictionary(kv => kv.Key.ToString().ToLowerInvariant(), kv => kv.Value)), cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<(EndpointKind, int)> Configured(PortOptions p) =>
    [
        (EndpointKind.Smtp, p.Smtp), (EndpointKind.Submission, p.Submission), (EndpointKind.Submissions, p.Submissions),
        (EndpointKind.Imap, p.Imap), (EndpointKind.Imaps, p.Imaps), (EndpointKind.Pop3, p.Pop3), (EndpointKind.Pop3s, p.Pop3s),
    ];

    private async Task AcceptLoopAsync(Socket listener, EndpointKind kind, IConnectionHandler handler, int maxConnections)
    {
        var active = new StrongBox<int>();
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
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
            // The address limits count the attempt first, so an address that floods is named as such even when
            // the endpoint is full too.
            if (!addresses.TryAcquire(kind.Protocol(), remote.Address, out var addressSlot, out var refusal))
            {
                if (refusal.FirstThisMinute) LogAddressRefused(kind, refusal.Client, refusal.Reason);
                Refuse(client, kind, handler, refusal.Reason);
                continue;
            }
            if (Interlocked.Increment(ref active.Value) > maxConnections)
            {
                Interlocked.Decrement(ref active.Value);
                addressSlot.Dispose();
                LogTooMany(kind, remote);
                Refuse(client, kind, handler, ConnectionRefusal.ServerBusy);
                continue;
            }
            var slots = new ReleaseOnce(() =>
            {
                addressSlot.Dispose();
                Interlocked.Decrement(ref active.Value);
            });
            Track(RunSessionAsync(client, kind, handler, slots));
        }
    }

    private void Track(Task task)
    {
        _sessions.TryAdd(task, 0);
        _ = task.ContinueWith(t => _sessions.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>
    /// Runs one session. <paramref name="slots"/> (the endpoint's and the address's places) are released before the
    /// socket closes, so a client that sees the close can connect again at once.
    /// </summary>
    private async Task RunSessionAsync(Socket socket, EndpointKind kind, IConnectionHandler handler, IDisposable slots)
    {
        await Task.Yield();
        try
        {
            await using var connection = Open(socket, kind);
            try
            {
                if (kind.IsImplicitTls())
                {
                    using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                    handshake.CancelAfter(TimeSpan.FromSeconds(30));
                    await connection.UpgradeToTlsAsync(handshake.Token).ConfigureAwait(false);
                }
                await handler.RunAsync(connection, _stopping.Token).ConfigureAwait(false);
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
                slots.Dispose(); // before the connection is disposed
            }
        }
        finally
        {
            slots.Dispose();
        }
    }

    /// <summary>The one place sessions and refusals wrap an accepted socket.</summary>
    private ClientConnection Open(Socket socket, EndpointKind kind) =>
        new(socket, certificates.Certificate, kind, options.Value.WriteTimeout, options.Value.MaxPendingOutput);

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
        if (!replies || Interlocked.Increment(ref _refusing) > limits.Value.MaxConcurrentRefusals)
        {
            if (replies) Interlocked.Decrement(ref _refusing);
            socket.Dispose();
            return;
        }
        Track(RefuseAsync(socket, kind, handler.RefusalLine(reason)));
    }

    private async Task RefuseAsync(Socket socket, EndpointKind kind, string line)
    {
        await Task.Yield();
        try
        {
            await using var connection = Open(socket, kind);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(limits.Value.RefusalTimeout);
            if (kind.IsImplicitTls()) await connection.UpgradeToTlsAsync(timeout.Token).ConfigureAwait(false);
            await connection.WriteLineAsync(line, timeout.Token).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for {Endpoint} on {Address}:{Port}")]
    private partial void LogListening(EndpointKind endpoint, string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection limit of {Endpoint} reached; refused {Client}: {Reason} (logged once a minute per client)")]
    private partial void LogAddressRefused(EndpointKind endpoint, string client, ConnectionRefusal reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection limit reached on {Endpoint}; refused {Remote}")]
    private partial void LogTooMany(EndpointKind endpoint, EndPoint? remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Endpoint} session from {Remote} ended: {Reason}")]
    private partial void LogSessionEnded(EndpointKind endpoint, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Endpoint} refusal not delivered: {Reason}")]
    private partial void LogRefusalUndelivered(EndpointKind endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Endpoint} session from {Remote} failed")]
    private partial void LogSessionFailed(Exception exception, EndpointKind endpoint, string remote);
}
