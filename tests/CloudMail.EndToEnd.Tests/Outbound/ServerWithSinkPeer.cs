using CloudMail.EndToEnd.Tests.Infrastructure;

namespace CloudMail.EndToEnd.Tests.Outbound;

/// <summary>
/// One CloudMail (<c>serve</c>, one user) that delivers to one remote domain through a dnsmasq on loopback, whose MX is
/// a Postfix smtp-sink on its own loopback address; stopped by PID on dispose.
/// </summary>
internal sealed class ServerWithSinkPeer(DnsmasqProcess dns, CloudMailProcess server, SmtpSinkProcess peer, string peerAddress, int peerPort)
    : IAsyncDisposable
{
    public DnsmasqProcess Dns { get; } = dns;

    public CloudMailProcess Server { get; } = server;

    /// <summary>The MX of the remote domain (replaced by <see cref="ReplacePeerAsync"/>).</summary>
    public SmtpSinkProcess Peer { get; private set; } = peer;

    /// <summary>
    /// Starts the sink (with <paramref name="sinkOptions"/>) on <paramref name="peerAddress"/> as the MX of
    /// <paramref name="remoteDomain"/>, then CloudMail on <paramref name="serverAddress"/> for the domain of
    /// <paramref name="user"/> with <paramref name="settings"/> added to the DNS, MX port and fast polling ones.
    /// </summary>
    public static async Task<ServerWithSinkPeer> StartAsync(string serverAddress, string user, string password, string peerAddress, string remoteDomain,
        string[] sinkOptions, params string[] settings)
    {
        int port = SmtpSinkProcess.FreePort(peerAddress);
        SmtpSinkProcess peer = await SmtpSinkProcess.StartAsync(peerAddress, port, sinkOptions);
        DnsmasqProcess dns = await DnsmasqProcess.StartAsync(DnsmasqProcess.Mx(remoteDomain, "mx." + remoteDomain), DnsmasqProcess.Host("mx." + remoteDomain, peerAddress));
        string localDomain = user[(user.IndexOf('@', StringComparison.Ordinal) + 1)..];
        var server = new CloudMailProcess(null, serverAddress, 0, "mx." + localDomain,
            [$"--CloudMail:Dns:Servers:0={dns.Endpoint}", $"--CloudMail:Delivery:MxPort={port}", "--CloudMail:Pipeline:PollInterval=00:00:00.200", .. settings]);
        await server.AdminAsync(null, "domain", "add", localDomain);
        await server.StartWithUserAsync(user, password);
        return new ServerWithSinkPeer(dns, server, peer, peerAddress, port);
    }

    /// <summary>Stops the sink and starts another on the same address and port with <paramref name="sinkOptions"/>.</summary>
    public async Task ReplacePeerAsync(params string[] sinkOptions)
    {
        await Peer.DisposeAsync();
        Peer = await SmtpSinkProcess.StartAsync(peerAddress, peerPort, sinkOptions);
    }

    public async ValueTask DisposeAsync()
    {
        await Peer.DisposeAsync();
        await Server.DisposeAsync();
        await Dns.DisposeAsync();
    }
}
