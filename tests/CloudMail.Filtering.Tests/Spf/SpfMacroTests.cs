using System.Net;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Tests.Spf;

/// <summary>The examples of RFC 7208 §7.4.</summary>
public class SpfMacroTests
{
    private static readonly SpfMacroContext V4 = new("strong-bad@email.example.com", "email.example.com", IPAddress.Parse("192.0.2.3"),
        "mx.example.org", "receiver.example.net", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    private static readonly SpfMacroContext V6 = V4 with { Ip = IPAddress.Parse("2001:db8::cb01") };

    [Theory]
    [InlineData("%{s}", "strong-bad@email.example.com")]
    [InlineData("%{o}", "email.example.com")]
    [InlineData("%{d}", "email.example.com")]
    [InlineData("%{d4}", "email.example.com")]
    [InlineData("%{d3}", "email.example.com")]
    [InlineData("%{d2}", "example.com")]
    [InlineData("%{d1}", "com")]
    [InlineData("%{dr}", "com.example.email")]
    [InlineData("%{d2r}", "example.email")]
    [InlineData("%{l}", "strong-bad")]
    [InlineData("%{l-}", "strong.bad")]
    [InlineData("%{lr}", "strong-bad")]
    [InlineData("%{lr-}", "bad.strong")]
    [InlineData("%{l1r-}", "strong")]
    [InlineData("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com")]
    [InlineData("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com")]
    [InlineData("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com")]
    [InlineData("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com")]
    [InlineData("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net")]
    [InlineData("%{h}", "mx.example.org")]
    public async Task Expands_the_rfc_examples_for_ipv4(string macro, string expected)
    {
        Assert.True(SpfMacro.IsValid(macro, explanation: false));
        Assert.Equal(expected, await SpfMacro.ExpandAsync(macro, V4, false, default));
    }

    [Fact]
    public async Task Expands_the_rfc_example_for_ipv6()
    {
        Assert.Equal("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com",
            await SpfMacro.ExpandAsync("%{ir}.%{v}._spf.%{d2}", V6, false, default));
    }

    [Fact]
    public async Task Expands_literals_url_escapes_upper_case_and_the_explanation_only_letters()
    {
        Assert.Equal("a%b c%20d", await SpfMacro.ExpandAsync("a%%b%_c%-d", V4, true, default));
        Assert.Equal("strong-bad%40email.example.com", await SpfMacro.ExpandAsync("%{S}", V4, true, default));
        Assert.Equal("192.0.2.3 receiver.example.net 1700000000", await SpfMacro.ExpandAsync("%{c} %{r} %{t}", V4, true, default));
        Assert.Equal("2001:db8::cb01", await SpfMacro.ExpandAsync("%{c}", V6, true, default));
        Assert.Equal("unknown", await SpfMacro.ExpandAsync("%{p}", V4, true, default));
    }

    [Fact]
    public async Task Shortens_a_domain_over_253_characters_from_the_left()
    {
        var longSender = V4 with { Sender = new string('a', 60) + "." + new string('b', 60) + "." + new string('c', 60) + "." + new string('d', 60) + "@x.example" };
        string result = await SpfMacro.ExpandAsync("%{l}.example.com", longSender, false, default);
        Assert.True(result.Length <= 253);
        Assert.EndsWith(new string('d', 60) + ".example.com", result);
        Assert.StartsWith("b", result);
    }
}
