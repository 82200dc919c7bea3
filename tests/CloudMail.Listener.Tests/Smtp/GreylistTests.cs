using System.Net;
using CloudMail.Core.Filtering.Greylisting;
using Microsoft.Extensions.Logging.Abstractions;
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

    private Greylist NewGreylist() => new(_options, _clock, new MemoryGreylistStore(_options.MaxEntries), NullLogger<Greylist>.Instance);

    [Fact]
    public async Task A_new_triplet_waits_the_delay_then_passes_and_keeps_passing()
    {
        var greylist = NewGreylist();
        var first = await greylist.CheckAsync(Client, "a@remote.test", "u@example.test", default);
        Assert.Equal(new GreylistVerdict(false, TimeSpan.FromMinutes(5)), first);
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(new GreylistVerdict(false, TimeSpan.FromMinutes(1)), await greylist.CheckAsync(Client, "a@remote.test", "u@example.test", default));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await greylist.CheckAsync(Client, "A@Remote.test", "u@example.test", default)).Pass); // case does not matter
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.True((await greylist.CheckAsync(Client, "a@remote.test", "u@example.test", default)).Pass);
        Assert.False((await greylist.CheckAsync(Client, "a@remote.test", "other@example.test", default)).Pass); // another triplet
    }

    [Fact]
    public async Task A_retry_from_another_address_of_the_same_slash_24_counts_and_other_networks_do_not()
    {
        var greylist = NewGreylist();
        Assert.False((await greylist.CheckAsync(IPAddress.Parse("192.0.2.10"), "a@remote.test", "u@example.test", default)).Pass);
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True((await greylist.CheckAsync(IPAddress.Parse("192.0.2.200"), "a@remote.test", "u@example.test", default)).Pass);
        Assert.False((await greylist.CheckAsync(IPAddress.Parse("198.51.100.1"), "a@remote.test", "u@example.test", default)).Pass);
    }

    [Fact]
    public async Task A_retry_after_the_window_or_a_triplet_unused_past_its_lifetime_starts_over()
    {
        var greylist = NewGreylist();
        await greylist.CheckAsync(Client, "a@remote.test", "u@example.test", default);
        _clock.Advance(TimeSpan.FromDays(3));
        Assert.False((await greylist.CheckAsync(Client, "a@remote.test", "u@example.test", default)).Pass);
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await greylist.CheckAsync(Client, "a@remote.test", "u@example.test", default)).Pass);
        _clock.Advance(TimeSpan.FromDays(36));
        Assert.False((await greylist.CheckAsync(Client, "a@remote.test", "u@example.test", default)).Pass);
    }

    [Fact]
    public async Task A_client_network_that_passed_enough_triplets_passes_entirely()
    {
        var greylist = NewGreylist();
        foreach (string r in new[] { "u1@example.test", "u2@example.test" }) await greylist.CheckAsync(Client, "a@remote.test", r, default);
        _clock.Advance(TimeSpan.FromMinutes(5));
        foreach (string r in new[] { "u1@example.test", "u2@example.test" }) Assert.True((await greylist.CheckAsync(Client, "a@remote.test", r, default)).Pass);
        Assert.True((await greylist.CheckAsync(Client, "new@remote.test", "u3@example.test", default)).Pass);
    }

    [Fact]
    public async Task The_greylist_stays_within_its_maximum()
    {
        _options.MaxEntries = 100;
        var store = new MemoryGreylistStore(_options.MaxEntries);
        var greylist = new Greylist(_options, _clock, store, NullLogger<Greylist>.Instance);
        for (int i = 0; i < 1000; i++) await greylist.CheckAsync(Client, $"s{i}@remote.test", "u@example.test", default);
        Assert.InRange(store.Count, 1, 100);
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await greylist.CheckAsync(Client, "s999@remote.test", "u@example.test", default)).Pass); // the newest stays
    }

    [Fact]
    public async Task A_failing_store_lets_the_recipient_through()
    {
        var greylist = new Greylist(_options, _clock, new FailingStore(), NullLogger<Greylist>.Instance);

        Assert.Equal(new GreylistVerdict(true, TimeSpan.Zero), await greylist.CheckAsync(Client, "a@remote.test", "u@example.test", default));
    }

    [Fact]
    public async Task The_sweep_forgets_triplets_past_their_retry_window_and_passed_ones_past_their_lifetime()
    {
        var store = new MemoryGreylistStore(_options.MaxEntries);
        var greylist = new Greylist(_options, _clock, store, NullLogger<Greylist>.Instance);
        await greylist.CheckAsync(Client, "passed@remote.test", "u@example.test", default);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await greylist.CheckAsync(Client, "passed@remote.test", "u@example.test", default); // passes now
        _clock.Advance(TimeSpan.FromDays(1));
        await greylist.CheckAsync(Client, "waiting@remote.test", "u@example.test", default);
        Assert.Equal(2, store.Count);

        _clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1)); // the waiting triplet's window is over
        Assert.Equal(1, await greylist.ForgetExpiredAsync(default));
        Assert.Equal(1, store.Count);
        _clock.Advance(TimeSpan.FromDays(35)); // the passed triplet and its client network are past their lifetime
        Assert.Equal(2, await greylist.ForgetExpiredAsync(default));
        Assert.Equal(0, store.Count);
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

    private sealed class FailingStore : IGreylistStore
    {
        public ValueTask<GreylistTriplet?> GetTripletAsync(string key, CancellationToken cancellationToken) => throw new IOException("store down");

        public ValueTask SaveTripletAsync(string key, GreylistTriplet triplet, CancellationToken cancellationToken) => throw new IOException("store down");

        public ValueTask<GreylistClient?> GetClientAsync(string network, CancellationToken cancellationToken) => throw new IOException("store down");

        public ValueTask SaveClientAsync(string network, GreylistClient client, CancellationToken cancellationToken) => throw new IOException("store down");

        public Task<int> ForgetExpiredAsync(DateTimeOffset unpassedBefore, DateTimeOffset passedBefore, CancellationToken cancellationToken) =>
            throw new IOException("store down");
    }
}
