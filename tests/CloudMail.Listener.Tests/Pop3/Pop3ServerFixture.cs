using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Pop3;

/// <summary>
/// One real server shared by the POP3 test classes that use default settings. Every test creates its own
/// user, so tests do not see each other's mail. The failure limit is raised because every client here
/// comes from 127.0.0.1 and the tests that send wrong passwords must not lock the others out; the
/// throttling itself is tested on a server of its own.
/// </summary>
public sealed class Pop3ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public int Pop3Port => Server.Port(EndpointKind.Pop3);

    public int Pop3sPort => Server.Port(EndpointKind.Pop3s);

    public async Task InitializeAsync() =>
        Server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Auth:MaxFailuresPerAccountAddress"] = "1000", ["CloudMail:Auth:MaxFailedAccountsPerAddress"] = "1000" });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class Pop3ServerCollection : ICollectionFixture<Pop3ServerFixture>
{
    public const string Name = "POP3 server";
}
