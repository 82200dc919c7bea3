using System.Net;
using CloudMail.Listener.Network;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Tests.Network;

/// <summary>The per-address limiter on its own: aggregation, the rate window, and bounded memory.</summary>
public sealed class ClientAddressLimiterTests
{
    private readonly SteppingClock _clock = new();

    private ClientAddressLimiter Limiter(int perAddress = 50, int perMinute = 600, int tracked = 100_000, string exempt = "127.0.0.1, ::1") =>
        new(Options.Create(new ClientLimitOptions
        {
            MaxConnectionsPerAddress = perAddress,
            MaxConnectionsPerAddressPerMinute = perMinute,
            MaxTrackedAddresses = tracked,
            ExemptAddresses = exempt,
        }), _clock);

    private static bool Admit(ClientAddressLimiter limiter, string address, out ClientAddressRefusal refusal, string protocol = "smtp") =>
        limiter.TryAcquire(protocol, IPAddress.Parse(address), out _, out refusal);

    [Fact]
    public void Addresses_in_one_ipv6_64_share_the_limit_and_the_next_prefix_does_not()
    {
        var limiter = Limiter(perAddress: 2);
        Assert.True(Admit(limiter, "2001:db8:0:1::a", out _));
        Assert.True(Admit(limiter, "2001:db8:0:1::b", out _));
        Assert.False(Admit(limiter, "2001:db8:0:1:ffff::c", out var refusal));
        Assert.Equal(ConnectionRefusal.TooManyFromAddress, refusal.Reason);
        Assert.Equal("2001:db8:0:1::/64", refusal.Client);
        Assert.True(Admit(limiter, "2001:db8:0:2::a", out _));
    }

    [Fact]
    public void Ipv4_mapped_connections_count_with_the_ipv4_address()
    {
        var limiter = Limiter(perAddress: 1);
        Assert.True(Admit(limiter, "192.0.2.1", out _));
        Assert.False(Admit(limiter, "::ffff:192.0.2.1", out var refusal));
        Assert.Equal("192.0.2.1", refusal.Client);
    }

    [Fact]
    public void Protocols_are_counted_separately()
    {
        var limiter = Limiter(perAddress: 1);
        Assert.True(Admit(limiter, "192.0.2.1", out _, "smtp"));
        Assert.True(Admit(limiter, "192.0.2.1", out _, "imap"));
        Assert.False(Admit(limiter, "192.0.2.1", out _, "smtp"));
    }

    [Fact]
    public void The_rate_limit_refuses_until_the_minute_is_over_and_logs_once()
    {
        var limiter = Limiter(perMinute: 2);
        Assert.True(limiter.TryAcquire("smtp", IPAddress.Parse("192.0.2.1"), out var first, out _));
        first.Dispose();
        Assert.True(Admit(limiter, "192.0.2.1", out _));
        Assert.False(Admit(limiter, "192.0.2.1", out var refusal));
        Assert.Equal(ConnectionRefusal.AddressRateExceeded, refusal.Reason);
        Assert.True(refusal.FirstThisMinute);
        Assert.False(Admit(limiter, "192.0.2.1", out refusal));
        Assert.False(refusal.FirstThisMinute);
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(Admit(limiter, "192.0.2.1", out _));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(Admit(limiter, "192.0.2.1", out _));
    }

    [Fact]
    public void Released_slots_free_their_place_once_even_when_disposed_twice()
    {
        var limiter = Limiter(perAddress: 2);
        Assert.True(limiter.TryAcquire("smtp", IPAddress.Parse("192.0.2.1"), out var a, out _));
        Assert.True(Admit(limiter, "192.0.2.1", out _));
        a.Dispose();
        a.Dispose();
        Assert.True(Admit(limiter, "192.0.2.1", out _));
        Assert.False(Admit(limiter, "192.0.2.1", out _));
    }

    [Fact]
    public void Idle_addresses_are_forgotten_once_their_minute_is_over()
    {
        var limiter = Limiter();
        for (int i = 0; i < 100; i++)
        {
            Assert.True(limiter.TryAcquire("smtp", IPAddress.Parse("192.0.2." + i), out var slot, out _));
            slot.Dispose();
        }
        Assert.True(limiter.TryAcquire("smtp", IPAddress.Parse("198.51.100.1"), out var open, out _));
        Assert.Equal(101, limiter.TrackedCount);
        _clock.Advance(ClientAddressLimiter.RateWindow);
        Assert.True(Admit(limiter, "198.51.100.2", out _));
        Assert.Equal(2, limiter.TrackedCount); // the open one and the new one
        open.Dispose();
        Assert.Equal(1, limiter.TrackedCount);
    }

    [Fact]
    public void Tracked_addresses_are_capped_forgetting_idle_ones_first_and_refusing_when_all_are_busy()
    {
        var limiter = Limiter(tracked: 3);
        Assert.True(limiter.TryAcquire("smtp", IPAddress.Parse("192.0.2.1"), out var a, out _));
        Assert.True(Admit(limiter, "192.0.2.2", out _));
        Assert.True(Admit(limiter, "192.0.2.3", out _));
        Assert.False(Admit(limiter, "192.0.2.4", out var refusal));
        Assert.Equal(ConnectionRefusal.ServerBusy, refusal.Reason);
        Assert.Equal(3, limiter.TrackedCount);
        a.Dispose(); // 192.0.2.1 is idle now, though its minute runs: it may be forgotten to make room
        Assert.True(Admit(limiter, "192.0.2.4", out _));
        Assert.Equal(3, limiter.TrackedCount);
    }

    [Fact]
    public void Exempt_addresses_are_not_limited_or_tracked()
    {
        var limiter = Limiter(perAddress: 1, perMinute: 1, exempt: "127.0.0.1, 192.0.2.0/24");
        for (int i = 0; i < 5; i++) Assert.True(Admit(limiter, "192.0.2.9", out _));
        Assert.Equal(0, limiter.TrackedCount);
    }

    [Fact]
    public void An_invalid_exempt_list_fails_at_start() =>
        Assert.Throws<OptionsValidationException>(() => Limiter(exempt: "not-an-address"));
}
