using System.Net;
using CloudMail.Listener.Network;

namespace CloudMail.Listener.Tests.Network;

/// <summary>How client addresses are aggregated for the connection and session limits.</summary>
public sealed class ClientAddressPrefixTests
{
    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::")]
    public void Ipv6_addresses_in_one_64_prefix_are_one_client(string a, string b)
    {
        string prefix = ClientAddressPrefix.Of(IPAddress.Parse(a), 64);
        Assert.Equal("2001:db8:1:2::/64", prefix);
        Assert.Equal(prefix, ClientAddressPrefix.Of(IPAddress.Parse(b), 64));
    }

    [Fact]
    public void Ipv6_addresses_in_neighbouring_64_prefixes_are_different_clients() =>
        Assert.NotEqual(ClientAddressPrefix.Of(IPAddress.Parse("2001:db8:1:2::1"), 64), ClientAddressPrefix.Of(IPAddress.Parse("2001:db8:1:3::1"), 64));

    [Theory]
    [InlineData(48, "2001:db8:1::/48")]
    [InlineData(60, "2001:db8:1:20::/60")]
    [InlineData(61, "2001:db8:1:28::/61")]
    [InlineData(128, "2001:db8:1:2f:1:2:3:4/128")]
    [InlineData(1, "::/1")]
    public void The_ipv6_prefix_length_is_configurable(int length, string expected) =>
        Assert.Equal(expected, ClientAddressPrefix.Of(IPAddress.Parse("2001:db8:1:2f:1:2:3:4"), length));

    [Fact]
    public void Ipv4_mapped_ipv6_is_the_ipv4_client()
    {
        Assert.Equal("192.0.2.7", ClientAddressPrefix.Of(IPAddress.Parse("::ffff:192.0.2.7"), 64));
        Assert.Equal("192.0.2.7", ClientAddressPrefix.Of(IPAddress.Parse("192.0.2.7"), 64));
        Assert.NotEqual(ClientAddressPrefix.Of(IPAddress.Parse("192.0.2.7"), 64), ClientAddressPrefix.Of(IPAddress.Parse("192.0.2.8"), 64));
    }

    [Fact]
    public void Exempt_ranges_match_addresses_ranges_and_mapped_ipv4()
    {
        Assert.True(AddressRanges.TryParse("127.0.0.1, ::1 10.0.0.0/8,2001:db8::/32", out var ranges, out _));
        Assert.True(ranges.Contains(IPAddress.Parse("127.0.0.1")));
        Assert.True(ranges.Contains(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(ranges.Contains(IPAddress.Parse("127.0.0.2")));
        Assert.True(ranges.Contains(IPAddress.Parse("::1")));
        Assert.True(ranges.Contains(IPAddress.Parse("10.200.3.4")));
        Assert.True(ranges.Contains(IPAddress.Parse("2001:db8:ffff::1")));
        Assert.False(ranges.Contains(IPAddress.Parse("2001:db9::1")));
        Assert.True(AddressRanges.TryParse("10.1.2.3/8", out var loose, out _)); // host bits are ignored
        Assert.True(loose.Contains(IPAddress.Parse("10.9.9.9")));
    }

    [Theory]
    [InlineData("127.0.0.1, localhost")]
    [InlineData("10.0.0.0/33")]
    public void Exempt_ranges_reject_what_is_not_an_address_or_range(string text)
    {
        Assert.False(AddressRanges.TryParse(text, out _, out string? invalid));
        Assert.NotNull(invalid);
    }
}
