using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Network;

/// <summary>
/// Real servers for the client-limit tests; every test uses loopback source addresses of its own, so tests sharing
/// a server never share a client. The HTTP API is off (not under test).
/// </summary>
public abstract class ClientLimitServer(IDictionary<string, string?> settings) : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    public TestServer Server { get; private set; } = null!;

    public int Port(EndpointKind kind) => Server.Port(kind);

    public async Task InitializeAsync() =>
        Server = await TestServer.StartAsync(new Dictionary<string, string?>(settings) { ["CloudMail:Ports:Http"] = "-1" });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A fresh user with <see cref="Password"/>.</summary>
    public async Task<string> NewUserAsync()
    {
        string address = "limits-" + Guid.NewGuid().ToString("N")[..12] + "@" + TestServer.Domain;
        await Server.AddUserAsync(address, Password);
        return address;
    }
}

/// <summary>Every client limit at its default.</summary>
public sealed class DefaultLimitsServer() : ClientLimitServer(new Dictionary<string, string?>());

/// <summary>Connection limits small enough to reach in a fast test: 2 connections per address, 4 attempts a minute.</summary>
public sealed class SmallConnectionLimitsServer() : ClientLimitServer(new Dictionary<string, string?>
{
    ["CloudMail:ClientLimits:MaxConnectionsPerAddress"] = "2",
    ["CloudMail:ClientLimits:MaxConnectionsPerAddressPerMinute"] = "4",
});

/// <summary>Session limits small enough to reach in a fast test: 1 session per user and address, 2 per user.</summary>
public sealed class SmallSessionLimitsServer() : ClientLimitServer(new Dictionary<string, string?>
{
    ["CloudMail:ClientLimits:MaxSessionsPerUserAndAddress"] = "1",
    ["CloudMail:ClientLimits:MaxSessionsPerUser"] = "2",
    ["CloudMail:Pop3:AllowInsecureAuth"] = "true",
    ["CloudMail:Imap:AllowInsecureAuth"] = "true",
});
