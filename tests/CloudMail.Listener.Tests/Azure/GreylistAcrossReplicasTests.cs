using System.Diagnostics;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Smtp;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// Greylisting with two <c>cloudmail listener</c> replicas on one Azurite, as two container instances behind one
/// ingress: a sending server's retry counts wherever the load balancer sends it, because the triplets live in the shared
/// <c>greylist</c> table, not in either process.
/// </summary>
public sealed class GreylistAcrossReplicasTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Greylisting = new()
    {
        ["CloudMail:Ports:Smtp"] = "0",
        ["CloudMail:Greylisting:Enabled"] = "true",
        // The early retry (a new connection to replica B, with Azurite reads) must come within the delay even if the test
        // host stalls.
        ["CloudMail:Greylisting:Delay"] = "00:00:10",
    };

    private AzureListenerServer _a = null!;
    private AzureListenerServer _b = null!;

    public async Task InitializeAsync()
    {
        _a = await AzureListenerServer.StartAsync(settings: Greylisting);
        _b = await AzureListenerServer.StartAsync(_a.StorageConnectionString, Greylisting);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    [Fact]
    public async Task A_retry_that_reaches_the_other_replica_after_the_delay_is_accepted_and_an_early_one_is_not()
    {
        string user = await _a.NewUserAsync();
        string sender = $"s{Guid.NewGuid():N}@remote.test";
        await using (var first = await RawSmtpClient.ConnectAndEhloAsync(Port(_a)))
        {
            Assert.Equal(250, (await first.CommandAsync($"MAIL FROM:<{sender}>")).Code);
            Assert.Equal("451 4.7.1 Greylisted, please try again in 10 seconds", (await first.CommandAsync($"RCPT TO:<{user}>")).ToString());
        }
        var sinceFirst = Stopwatch.StartNew(); // the delay started before the 451
        await using (var early = await RawSmtpClient.ConnectAndEhloAsync(Port(_b)))
        {
            // Replica B knows the triplet from A: it is told the remaining wait, not the whole delay of a new triplet.
            Assert.Equal(250, (await early.CommandAsync($"MAIL FROM:<{sender}>")).Code);
            var reply = await early.CommandAsync($"RCPT TO:<{user}>");
            Assert.Equal(451, reply.Code);
        }
        var left = TimeSpan.FromSeconds(10.2) - sinceFirst.Elapsed;
        if (left > TimeSpan.Zero) await Task.Delay(left);
        await using var retry = await RawSmtpClient.ConnectAndEhloAsync(Port(_b));
        Assert.Equal(250, (await retry.CommandAsync($"MAIL FROM:<{sender}>")).Code);
        Assert.Equal(250, (await retry.CommandAsync($"RCPT TO:<{user}>")).Code);
        Assert.Equal(354, (await retry.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await retry.CommandAsync("Subject: greylisted across replicas\r\n\r\nhello\r\n.")).Code);

        // The triplet passed on B: A lets the same sender through at once now.
        await using var again = await RawSmtpClient.ConnectAndEhloAsync(Port(_a));
        Assert.Equal(250, (await again.CommandAsync($"MAIL FROM:<{sender}>")).Code);
        Assert.Equal(250, (await again.CommandAsync($"RCPT TO:<{user}>")).Code);
    }

    private static int Port(AzureListenerServer server) => server.Get<EndpointListenerService>().BoundPorts[EndpointKind.Smtp];
}
