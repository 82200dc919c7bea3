using CloudMail.EndToEnd.Tests.Infrastructure;
using MailKit.Security;

namespace CloudMail.EndToEnd.Tests.Outbound;

/// <summary>
/// A delivery that takes longer than the queue lease: CloudMail (127.0.0.67, lease 2 s) delivers to slow.test, whose MX
/// (found through dnsmasq) is a Postfix smtp-sink on 127.0.0.68 that waits 7 s before it answers DATA. The job must
/// keep its lease while the session lasts, so that no second worker takes it and delivers the message again.
/// </summary>
public sealed class SlowPeerLeaseTests : IAsyncLifetime
{
    private const string Sender = "sam@s.test";
    private const string SenderPassword = "sam-secret-1234";
    private ServerWithSinkPeer _world = null!;

    public async Task InitializeAsync() =>
        _world = await ServerWithSinkPeer.StartAsync("127.0.0.67", Sender, SenderPassword, "127.0.0.68", "slow.test", ["-w", "7"],
            "--CloudMail:Pipeline:LeaseDuration=00:00:02");

    public async Task DisposeAsync()
    {
        if (_world is not null) await _world.DisposeAsync();
    }

    [Fact]
    public async Task A_delivery_longer_than_the_lease_is_made_once()
    {
        using (var smtp = await MailClients.SmtpAsync(_world.Server.Submission, SecureSocketOptions.StartTls, Sender, SenderPassword, _world.Server.ListenAddress))
        {
            await smtp.SendAsync(MailClients.Message(Sender, "tom@slow.test", "slower-than-the-lease"));
            await smtp.DisconnectAsync(true);
        }

        await _world.Peer.WaitForMessageAsync("Subject: slower-than-the-lease", TimeSpan.FromSeconds(30));
        // Had a second worker taken the job after the first lease ran out, its copy would arrive up to 7 s later.
        await Task.Delay(TimeSpan.FromSeconds(10));
        Assert.Single(_world.Peer.Messages(), m => m.Content.Contains("Subject: slower-than-the-lease", StringComparison.Ordinal));
    }
}
