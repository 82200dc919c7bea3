using CloudMail.EndToEnd.Tests.Infrastructure;
using MailKit.Security;

namespace CloudMail.EndToEnd.Tests.Outbound;

/// <summary>
/// A delivery that takes longer than the queue lease: CloudMail (127.0.0.67, lease 10 s) delivers to slow.test, whose MX
/// (found through dnsmasq) is a Postfix smtp-sink on 127.0.0.68 that waits 15 s before it answers DATA. The job must
/// keep its lease while the session lasts, so that no second worker takes it and delivers the message again. The lease
/// is renewed every third of it, so a renewal may come 6.7 s late before the lease runs out (the suite's servers share
/// two cores and can be seconds late; with a 2 s lease, 1.3 s late was enough for a second copy).
/// </summary>
public sealed class SlowPeerLeaseTests : IAsyncLifetime
{
    private const string Sender = "sam@s.test";
    private const string SenderPassword = "sam-secret-1234";
    private const int PeerWaitSeconds = 15;
    private ServerWithSinkPeer _world = null!;

    public async Task InitializeAsync() =>
        _world = await ServerWithSinkPeer.StartAsync("127.0.0.67", Sender, SenderPassword, "127.0.0.68", "slow.test", ["-w", $"{PeerWaitSeconds}"],
            "--CloudMail:Pipeline:LeaseDuration=00:00:10");

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

        await _world.Peer.WaitForMessageAsync("Subject: slower-than-the-lease", TimeSpan.FromSeconds(60));
        // Had a second worker taken the job after a lease ran out, during the first session, its copy would arrive up to the
        // peer's wait later.
        await Task.Delay(TimeSpan.FromSeconds(PeerWaitSeconds + 3));
        Assert.Single(_world.Peer.Messages(), m => m.Content.Contains("Subject: slower-than-the-lease", StringComparison.Ordinal));
    }
}
