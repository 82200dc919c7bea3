using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
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
/// endpoints handshake before the handler starts. After binding, writes DataDirectory/listening.json
/// (endpoint name → bound port) so that tests and scripts using port 0 can find the server.
/// On shutdown stops accepting, signals sessions, and waits up to <see cref="CloudMailOptions.DrainTimeout"/>.
/// </summary>
public sealed partial class EndpointListenerService(
    IOptions<CloudMailOptions> options,
    TlsCertificateProvider certificates,
    IServiceProvider services,
    ILogger<EndpointListenerService> logger) : IHostedService
{
    private readonly List<Socket> _listeners = [];
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _acceptLoops = [];

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
        int active = 0;
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
            if (Interlocked.Increment(ref active) > maxConnections)
            {
                Interlocked.Decrement(ref active);
                LogTooMany(kind, client.RemoteEndPoint);
                client.Dispose();
                continue;
            }
            client.NoDelay = true;
            var session = RunSessionAsync(client, kind, handler);
            _sessions.TryAdd(session, 0);
            _ = session.ContinueWith(t => { _sessions.TryRemove(t, out _); Interlocked.Decrement(ref active); }, TaskScheduler.Default);
        }
    }

    private async Task RunSessionAsync(Socket socket, EndpointKind kind, IConnectionHandler handler)
    {
        await Task.Yield();
        await using var connection = new ClientConnection(socket, certificates.Certificate, kind);
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
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            LogSessionEnded(kind, connection.RemoteAddress, e.GetType().Name);
        }
        catch (Exception e)
        {
            LogSessionFailed(e, kind, connection.RemoteAddress);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection limit reached on {Endpoint}; refused {Remote}")]
    private partial void LogTooMany(EndpointKind endpoint, EndPoint? remote);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Endpoint} session from {Remote} ended: {Reason}")]
    private partial void LogSessionEnded(EndpointKind endpoint, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Endpoint} session from {Remote} failed")]
    private partial void LogSessionFailed(Exception exception, EndpointKind endpoint, string remote);
}
