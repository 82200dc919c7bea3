using System.Net;
using System.Net.Sockets;

namespace CloudMail.Delivery.Tests.Sessions;

/// <summary>
/// A TCP relay on a loopback address in front of a real server: counts the connections made through it and can cut
/// them all (as a peer that drops idle clients would), so tests see how many SMTP sessions carried their mail.
/// </summary>
public sealed class CountingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly List<(TcpClient Client, TcpClient Server)> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    private CountingTcpProxy(TcpListener listener, IPEndPoint target)
    {
        _listener = listener;
        _target = target;
        _accepting = AcceptLoopAsync();
    }

    /// <summary>Listens on <paramref name="address"/>, a free port, and relays to <paramref name="target"/>.</summary>
    public static CountingTcpProxy Start(string address, IPEndPoint target)
    {
        var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return new CountingTcpProxy(listener, target);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connections not closed yet by either side.</summary>
    public int Open
    {
        get
        {
            lock (_open) return _open.Count;
        }
    }

    /// <summary>Closes every open connection at once, both sides.</summary>
    public void DropAll()
    {
        lock (_open)
        {
            foreach (var (client, server) in _open)
            {
                client.Dispose();
                server.Dispose();
            }
            _open.Clear();
        }
    }

    /// <summary>Waits until no connection is open (the client closed them), or throws after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilClosedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Open > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Open} connection(s) still open after {timeout}");
            await Task.Delay(20);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            var server = new TcpClient();
            await server.ConnectAsync(_target);
            lock (_open) _open.Add((client, server));
            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    /// <summary>Copies one direction until it ends, then closes both sides (a half-closed SMTP session is a closed one).</summary>
    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), _stop.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or SocketException)
        {
            // One side went away.
        }
        from.Dispose();
        to.Dispose();
        lock (_open) _open.RemoveAll(p => (p.Client == from && p.Server == to) || (p.Client == to && p.Server == from));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropAll();
        await _accepting;
        _stop.Dispose();
    }
}
