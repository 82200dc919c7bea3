using System.Net;

namespace CloudMail.Delivery.Tests;

/// <summary>RFC 5321 §5.1: an MTA among a domain's MX hosts delivers only to the hosts preferred to it.</summary>
public sealed class MxSelfCutTests
{
    private static readonly MxHost[] Hosts =
    [
        new("mx1.example", 10, [IPAddress.Parse("192.0.2.1")]),
        new("mx2.example", 20, [IPAddress.Parse("192.0.2.2"), IPAddress.Parse("2001:db8::2")]),
        new("mx3.example", 20, [IPAddress.Parse("192.0.2.3")]),
        new("mx4.example", 30, [IPAddress.Parse("192.0.2.4")]),
    ];

    private static string[] Kept(Func<string, IPAddress, bool> isSelf) => [.. MxSelfCut.PreferredToSelf(Hosts, isSelf).Select(h => h.Name)];

    [Fact]
    public void Without_this_server_among_them_every_host_is_kept() =>
        Assert.Equal(["mx1.example", "mx2.example", "mx3.example", "mx4.example"], Kept((_, _) => false));

    [Fact]
    public void This_server_as_a_backup_keeps_only_the_hosts_preferred_to_it_not_those_of_its_own_preference() =>
        Assert.Equal(["mx1.example"], Kept((_, address) => address.Equals(IPAddress.Parse("2001:db8::2")))); // one of mx2's addresses

    [Fact]
    public void This_server_as_the_best_host_leaves_none() =>
        Assert.Empty(Kept((name, _) => name == "mx1.example"));

    [Fact]
    public void This_server_last_keeps_all_the_better_ones() =>
        Assert.Equal(["mx1.example", "mx2.example", "mx3.example"], Kept((_, address) => address.Equals(IPAddress.Parse("192.0.2.4"))));
}
