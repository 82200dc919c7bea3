using System.Collections.Concurrent;
using CloudMail.Delivery;
using CloudMail.Delivery.MtaSts;

namespace CloudMail.Delivery.Tests;

/// <summary>The outbound transport's per-host gates and the MTA-STS policy cache stay bounded however many hosts mail goes to.</summary>
public sealed class DestinationGatesTests
{
    [Fact]
    public void A_host_keeps_its_gate_and_each_gate_bounds_its_host()
    {
        var gates = new DestinationGates();
        SemaphoreSlim gate = gates.For("mx.example.org", 2);

        Assert.Same(gate, gates.For("MX.example.org", 2));
        Assert.True(gate.Wait(0));
        Assert.True(gate.Wait(0));
        Assert.False(gate.Wait(0));
    }

    [Fact]
    public void Ever_more_hosts_drop_idle_gates_and_never_one_in_use()
    {
        var gates = new DestinationGates(maxKept: 100);
        SemaphoreSlim busy = gates.For("busy.example.org", 1);
        busy.Wait();

        for (int i = 0; i < 10_000; i++) gates.For($"mx{i}.example.net", 3);

        Assert.True(gates.Count <= 101, $"{gates.Count} gates kept");
        Assert.Same(busy, gates.For("busy.example.org", 1));
        Assert.False(busy.Wait(0));
    }

    [Fact]
    public void The_policy_cache_drops_expired_policies_first_then_the_soonest_to_expire()
    {
        var now = new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
        var cache = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < 50; i++) cache[$"expired{i}.example"] = now.AddDays(-1);
        for (int i = 0; i < 100; i++) cache[$"live{i}.example"] = now.AddDays(i + 1);

        MtaStsPolicySource.Trim(cache, e => e, now, max: 120);
        Assert.Equal(100, cache.Count);
        Assert.DoesNotContain(cache.Keys, k => k.StartsWith("expired", StringComparison.Ordinal));

        MtaStsPolicySource.Trim(cache, e => e, now, max: 80);
        Assert.True(cache.Count <= 60, $"{cache.Count} kept");
        Assert.Contains("live99.example", cache.Keys);
        Assert.DoesNotContain("live0.example", cache.Keys);
    }
}
