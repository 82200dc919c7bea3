using System.Net;
using CloudMail.Listener.Network;
using CloudMail.Listener.Smtp.Greylisting;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tests.Network;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>Greylisting: the rules on a stepping clock, then over a real port-25 session.</summary>
public sealed class GreylistTests
{
    private readonly SteppingClock _clock = new();
    private readonly GreylistOptions _options = new() { Enabled = true, AutoAllowClientAfter = 2 };
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");

    private Greylist NewGreylist() => new(_options, _clock);

    [Fact]
    public void A_new_triplet_waits_the_delay_then_passes_and_keeps_passing()
    {
        var greylist = NewGreylist();
        var first = greylist.Check(Client, "a@remote.test", "u@example.test");
        Assert.Equal(new GreylistVerdict(false, TimeSpan.FromMinutes(5)), first);
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(new GreylistVerdict(false, TimeSpan.FromMinutes(1)), greylist.Check(Client, "a@remote.test", "u@example.test"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(greylist.Check(Client, "A@Remote.test", "u@example.test").Pass); // case does not matter
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.True(greylist.Check(Client, "a@remote.test", "u@example.test").Pass);
        Assert.False(greylist.Check(Client, "a@remote.test", "other@example.test").Pass); // another triplet
    }

    [Fact]
    public void A_retry_from_another_address_of_the_same_slash_24_counts_and_other_networks_do_not()
    {
        var greylist = NewGreylist();
        Assert.False(greylist.Check(IPAddress.Parse("192.0.2.10"), "a@remote.test", "u@example.test").Pass);
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True(greylist.Check(IPAddress.Parse("192.0.2.200"), "a@remote.test", "u@example.test").Pass);
        Assert.False(greylist.Check(IPAddress.Parse("198.51.100.1"), "a@remote.test", "u@example.test").Pass);
    }

    [Fact]
    public void A_retry_after_the_window_or_a_triplet_unused_past_its_lifetime_starts_over()
    {
        var greylist = NewGreylist();
        greylist.Check(Client, "a@remote.test", "u@example.test");
        _clock.Advance(TimeSpan.FromDays(3));
        Assert.False(greylist.Check(Client, "a@remote.test", "u@example.test").Pass);
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(greylist.Check(Client, "a@remote.test", "u@example.test").Pass);
        _clock.Advance(TimeSpan.FromDays(36));
        Assert.False(greylist.Check(Client, "a@remote.test", "u@example.test").Pass);
    }

    [Fact]
    public void A_client_network_that_passed_enough_triplets_passes_entirely()
    {
        var greylist = NewGreylist();
        foreach (string r in new[] { "u1@example.test", "u2@example.test" }) greylist.Check(Client, "a@remote.test", r);
        _clock.Advance(TimeSpan.FromMinutes(5));
        foreach (string r in new[] { "u1@example.test", "u2@example.test" }) Assert.True(greylist.Check(Client, "a@remote.test", r).Pass);
        Assert.True(greylist.Check(Client, "new@remote.test", "u3@example.test").Pass);
    }

    [Fact]
    public void The_greylist_stays_within_its_maximum()
    {
        _options.MaxEntries = 100;
        var greylist = NewGreylist();
        for (int i = 0; i < 1000; i++) greylist.Check(Client, $"s{i}@remote.test", "u@example.test");
        Assert.True(greylist.Check(Client, "s999@remote.test", "u@example.test") is { Pass: false });
    }

    [Fact]
    public async Task On_port_25_a_first_attempt_gets_451_and_the_retry_after_the_delay_is_accepted_while_submission_is_never_greylisted()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Greylisting:Enabled"] = "true",
            ["CloudMail:Greylisting:Delay"] = "00:00:01",
        });
        string user = await SmtpServerFixture.NewUserAsync(server);
        await using (var first = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp)))
        {
            Assert.Equal(250, (await first.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
            Assert.Equal("451 4.7.1 Greylisted, please try again in 1 seconds", (await first.CommandAsync($"RCPT TO:<{user}>")).ToString());
            Assert.Equal(550, (await first.CommandAsync("RCPT TO:<nobody@example.test>")).Code); // unknown users are refused, not greylisted
        }
        await Task.Delay(1200);
        await using var retry = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await retry.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await retry.CommandAsync($"RCPT TO:<{user}>")).Code);
        Assert.Equal(354, (await retry.CommandAsync("DATA")).Code);
        Assert.Equal(250, (await retry.CommandAsync("Subject: after greylisting\r\n\r\nhello\r\n.")).Code);
    }
}
