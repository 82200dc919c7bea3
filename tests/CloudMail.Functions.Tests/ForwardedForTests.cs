using CloudMail.Functions.Http;

namespace CloudMail.Functions.Tests;

/// <summary>Which X-Forwarded-For entry is the client: the rightmost one not appended by a trusted proxy.</summary>
public sealed class ForwardedForTests
{
    private static string Client(string? header, string trusted = "")
    {
        Assert.True(ForwardedFor.TryParseNetworks(trusted, out var networks, out _));
        return ForwardedFor.ClientAddress(header, networks);
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("1.2.3.4, 203.0.113.9", "203.0.113.9")] // the leftmost entry is whatever the client sent
    [InlineData("evil, 1.2.3.4,203.0.113.9:50123", "203.0.113.9")] // Azure's front end appends ip:port
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.9")]
    [InlineData("1.2.3.4, not-an-address", ForwardedFor.Unknown)]
    [InlineData("", ForwardedFor.Unknown)]
    [InlineData(null, ForwardedFor.Unknown)]
    public void Without_trusted_proxies_the_rightmost_entry_is_the_client(string? header, string expected) =>
        Assert.Equal(expected, Client(header));

    [Theory]
    [InlineData("1.2.3.4, 203.0.113.9, 10.0.0.5", "203.0.113.9")]
    [InlineData("1.2.3.4, 203.0.113.9, 10.0.0.5, 192.0.2.7", "203.0.113.9")]
    [InlineData("junk, 10.1.1.1, 10.0.0.5", ForwardedFor.Unknown)] // what the first trusted proxy reported is not an address
    [InlineData("10.1.1.1, 10.0.0.5", "10.1.1.1")] // all trusted: the leftmost, the first proxy itself
    public void Trusted_proxies_are_skipped_from_the_right(string header, string expected) =>
        Assert.Equal(expected, Client(header, "10.0.0.0/8, 192.0.2.7"));

    [Fact]
    public void A_spoofed_entry_left_of_an_untrusted_hop_is_never_used() =>
        Assert.Equal("198.51.100.1", Client("203.0.113.66, 198.51.100.1, 10.0.0.5", "10.0.0.0/8"));

    [Theory]
    [InlineData("10.0.0.0/8, 2001:db8::/32, 192.0.2.7", true)]
    [InlineData("", true)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("proxy.example", false)]
    public void Trusted_proxies_are_addresses_or_cidr_prefixes(string list, bool valid)
    {
        Assert.Equal(valid, ForwardedFor.TryParseNetworks(list, out _, out string? problem));
        Assert.Equal(valid, problem is null);
        Assert.Equal(valid, !new FunctionsOptions { TrustedProxies = list }.Problems().Any());
    }
}
