using System.Net;
using CloudMail.Core.Filtering.SenderLists;
using CsCheck;

namespace CloudMail.Core.Tests.Filtering;

public sealed class SenderPatternTests
{
    [Theory]
    [InlineData("Bob@Example.ORG", SenderPatternType.Address, "bob@example.org")]
    [InlineData("example.org", SenderPatternType.Domain, "example.org")]
    [InlineData("@Example.org.", SenderPatternType.Domain, "example.org")]
    [InlineData("Bücher.example", SenderPatternType.Domain, "xn--bcher-kva.example")] // as mail from it is seen
    [InlineData("anna@Bücher.example", SenderPatternType.Address, "anna@xn--bcher-kva.example")]
    [InlineData("192.0.2.7", SenderPatternType.Network, "192.0.2.7/32")]
    [InlineData("192.0.2.77/24", SenderPatternType.Network, "192.0.2.0/24")]
    [InlineData("2001:DB8::1/32", SenderPatternType.Network, "2001:db8::/32")]
    [InlineData("::ffff:192.0.2.7", SenderPatternType.Network, "192.0.2.7/32")]
    public void Valid_patterns_parse_to_their_canonical_text(string input, SenderPatternType type, string text)
    {
        Assert.True(SenderPattern.TryParse(input, out var pattern, out _));
        Assert.Equal(new SenderPattern(type, text), pattern);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("localhost")]
    [InlineData("a b@example.org")]
    [InlineData("192.0.2.0/33")]
    [InlineData("bob@")]
    [InlineData("bob@-bad-.example")]
    [InlineData("a@b@example.org")]
    [InlineData("exa\u0000mple.org")]
    public void Anything_else_is_refused_with_a_reason(string input)
    {
        Assert.False(SenderPattern.TryParse(input, out _, out string error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void A_domain_matches_itself_and_its_subdomains_but_not_a_longer_name()
    {
        var pattern = Parse("example.org");
        Assert.True(pattern.Matches("a@example.org", null));
        Assert.True(pattern.Matches("a@mail.EXAMPLE.org", null));
        Assert.False(pattern.Matches("a@badexample.org", null));
        Assert.False(pattern.Matches("", null));
    }

    [Fact]
    public void A_domain_named_in_unicode_matches_mail_from_it_named_either_way()
    {
        Assert.True(SenderPattern.TryParse("bücher.example", out var pattern, out _));
        Assert.True(pattern.Matches("anna@bücher.example", null));
        Assert.True(pattern.Matches("anna@xn--bcher-kva.example", null));
        Assert.False(pattern.Matches("anna@bucher.example", null));
    }

    [Theory]
    [InlineData("Bücher.Example", "xn--bcher-kva.example")]
    [InlineData("@bücher.example", "xn--bcher-kva.example")]
    [InlineData(" Anna@Bücher.example ", "anna@xn--bcher-kva.example")]
    [InlineData("@Example.ORG", "example.org")]
    public void Scopes_of_sender_lists_and_webhooks_are_kept_as_the_domains_and_addresses_of_mail_are(string given, string key)
    {
        Assert.Equal(key, SenderListScope.Normalize(given));
        Assert.Equal(key, CloudMail.Core.Events.WebhookScope.Normalize(given));
        Assert.Contains(key, SenderListScope.Of("anna@bücher.example").Concat(SenderListScope.Of("x@example.org")));
    }

    [Fact]
    public void An_address_matches_only_itself_and_never_the_null_sender()
    {
        var pattern = Parse("bob@example.org");
        Assert.True(pattern.Matches("BOB@example.org", null));
        Assert.False(pattern.Matches("bob2@example.org", null));
        Assert.False(pattern.Matches("", null));
    }

    [Fact]
    public void A_network_matches_clients_inside_it_also_as_mapped_IPv6_and_the_null_sender()
    {
        var pattern = Parse("192.0.2.0/24");
        Assert.True(pattern.Matches("", IPAddress.Parse("192.0.2.200")));
        Assert.True(pattern.Matches("x@y.example", IPAddress.Parse("::ffff:192.0.2.1")));
        Assert.False(pattern.Matches("x@y.example", IPAddress.Parse("192.0.3.1")));
        Assert.False(pattern.Matches("x@y.example", null));
    }

    [Fact]
    public void Specificity_orders_address_then_longer_network_then_network_then_longer_domain()
    {
        string[] ordered = ["bob@mail.example.org", "192.0.2.7", "192.0.2.0/24", "mail.example.org", "example.org"];
        var specificities = ordered.Select(p => Parse(p).Specificity).ToList();
        Assert.Equal(specificities.OrderDescending(), specificities);
        Assert.Equal(specificities.Count, specificities.Distinct().Count());
    }

    [Fact]
    public void Every_canonical_pattern_parses_back_to_itself()
    {
        var label = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"], 1, 10];
        var domain = label.Array[2, 4].Select(l => string.Join('.', l));
        var address = Gen.Select(label, domain, (l, d) => l + "@" + d);
        var v4 = Gen.Select(Gen.UInt, Gen.Int[0, 32], (a, p) => $"{new IPAddress(BitConverter.GetBytes(a))}/{p}");
        var v6 = Gen.Select(Gen.Byte.Array[16], Gen.Int[0, 128], (b, p) => $"{new IPAddress(b)}/{p}");
        Gen.OneOf(domain, address, v4, v6).Sample(input =>
        {
            Assert.True(SenderPattern.TryParse(input, out var pattern, out string error), error);
            Assert.True(SenderPattern.TryParse(pattern.Text, out var again, out _));
            Assert.Equal(pattern, again);
        }, iter: 2_000);
    }

    private static SenderPattern Parse(string text) => SenderPattern.TryParse(text, out var p, out _) ? p : throw new ArgumentException(text);
}
