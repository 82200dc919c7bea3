using CloudMail.Core.Directory;
using CloudMail.Core.Routing;
using CloudMail.Core.Tests.Directory;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Tests.Routing;

/// <summary>SRS (sender rewriting of forwarded mail): rewrite, reverse, forged and expired addresses, SRS1, and the resolver's use of it.</summary>
public sealed class SrsRewriterTests
{
    private const string Secret = "a secret of more than sixteen characters";

    private readonly Clock _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private SrsRewriter Rewriter(string? secret = Secret) =>
        new(SrsSecret.From(secret), Options.Create(new RoutingOptions()), _clock);

    [Fact]
    public void A_sender_becomes_srs0_in_the_forwarding_domain_and_reverses_to_itself()
    {
        string srs = Rewriter().Forward("Alice@Remote.test", "fwd.test");

        Assert.Matches(@"^SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=remote\.test=Alice@fwd\.test$", srs);
        Assert.Equal(new SrsReversal(SrsVerdict.Valid, "alice@remote.test"), Rewriter().Reverse(srs.ToLowerInvariant()));
        Assert.Equal(SrsVerdict.Valid, Rewriter().Reverse(srs.ToUpperInvariant()).Verdict);
    }

    [Fact]
    public void A_local_part_with_separators_survives_the_round_trip()
    {
        string srs = Rewriter().Forward("a=b+c@remote.test", "fwd.test");
        Assert.Equal("a=b+c@remote.test", Rewriter().Reverse(srs).Address);
    }

    /// <summary>An SRS address past the 256-octet path (RFC 5321 §4.5.3.1.3) could not come back: the sender is kept.</summary>
    [Fact]
    public void A_sender_too_long_to_rewrite_is_kept_and_one_that_fits_is_rewritten()
    {
        string domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 3)) + ".test"; // 187 octets
        string fits = new string('l', 30) + "@" + domain, tooLong = new string('l', 50) + "@" + domain;

        string rewritten = Rewriter().Forward(fits, "fwd.test");
        Assert.StartsWith("SRS0=", rewritten);
        Assert.True(rewritten.Length <= SrsRewriter.MaxAddressOctets, rewritten);
        Assert.Equal(fits, Rewriter().Reverse(rewritten).Address);
        Assert.Equal(tooLong, Rewriter().Forward(tooLong, "fwd.test"));
    }

    [Fact]
    public void A_forged_hash_another_secret_or_no_secret_is_refused()
    {
        string srs = Rewriter().Forward("alice@remote.test", "fwd.test");
        var parsed = (Srs0Address)SrsAddress.Parse(srs)!;
        string forged = (parsed with { Hash = parsed.Hash == "AAAA" ? "BBBB" : "AAAA" }).Format();
        string otherTarget = (parsed with { OriginalLocalPart = "mallory" }).Format();

        Assert.Equal(SrsVerdict.Forged, Rewriter().Reverse(forged).Verdict);
        Assert.Equal(SrsVerdict.Forged, Rewriter().Reverse(otherTarget).Verdict);
        Assert.Equal(SrsVerdict.Forged, Rewriter("another secret of sixteen characters").Reverse(srs).Verdict);
        Assert.Equal(SrsVerdict.Forged, Rewriter(null).Reverse(srs).Verdict);
        Assert.Equal(SrsVerdict.Forged, Rewriter().Reverse("SRS0=only=two@fwd.test").Verdict);
    }

    [Fact]
    public void An_address_older_than_the_maximum_age_is_expired()
    {
        string srs = Rewriter().Forward("alice@remote.test", "fwd.test");

        _clock.Now += TimeSpan.FromDays(21);
        Assert.Equal(SrsVerdict.Valid, Rewriter().Reverse(srs).Verdict);
        _clock.Now += TimeSpan.FromDays(1);
        Assert.Equal(SrsVerdict.Expired, Rewriter().Reverse(srs).Verdict);
    }

    [Fact]
    public void An_srs0_sender_of_another_forwarder_becomes_srs1_that_returns_to_that_forwarder()
    {
        var first = new SrsRewriter(SrsSecret.From("the first forwarder's own secret"), Options.Create(new RoutingOptions()), _clock);
        string srs0 = first.Forward("alice@origin.test", "first.test");

        string srs1 = Rewriter().Forward(srs0, "second.test");

        Assert.StartsWith("SRS1=", srs1);
        Assert.EndsWith("=first.test==" + srs0[5..srs0.IndexOf('@')] + "@second.test", srs1);
        var back = Rewriter().Reverse(srs1);
        Assert.Equal(SrsVerdict.Valid, back.Verdict);
        Assert.Equal(srs0.ToLowerInvariant(), back.Address!.ToLowerInvariant());
        Assert.Equal("alice@origin.test", first.Reverse(back.Address!).Address);
    }

    [Fact]
    public void An_srs1_sender_is_rewritten_with_the_same_first_hop_and_a_forged_srs1_is_refused()
    {
        string srs1 = Rewriter().Forward(new SrsRewriter(SrsSecret.From("first hop secret 0123456"), Options.Create(new RoutingOptions()), _clock)
            .Forward("alice@origin.test", "first.test"), "second.test");

        string again = Rewriter().Forward(srs1, "third.test");

        var parsed = Assert.IsType<Srs1Address>(SrsAddress.Parse(again));
        Assert.Equal(("first.test", "third.test"), (parsed.FirstHopDomain, parsed.SrsDomain));
        Assert.Equal(SrsVerdict.Valid, Rewriter().Reverse(again).Verdict);
        Assert.Equal(SrsVerdict.Forged, Rewriter().Reverse((parsed with { FirstHopDomain = "evil.test" }).Format()).Verdict);
    }

    [Fact]
    public void The_null_sender_stays_null_and_without_a_secret_nothing_is_rewritten()
    {
        Assert.Equal("", Rewriter().Forward("", "fwd.test"));
        Assert.Equal("alice@remote.test", Rewriter(null).Forward("alice@remote.test", "fwd.test"));
        Assert.Equal(SrsVerdict.NotSrs, Rewriter().Reverse("alice@fwd.test").Verdict);
    }

    [Fact]
    public void The_timestamp_counts_days_since_the_epoch_in_base32()
    {
        Assert.Equal("AA", SrsTimestamp.Format(DateTimeOffset.UnixEpoch));
        Assert.Equal("AB", SrsTimestamp.Format(DateTimeOffset.UnixEpoch.AddDays(1.5)));
        Assert.Equal("AA", SrsTimestamp.Format(DateTimeOffset.UnixEpoch.AddDays(1024)));
        Assert.Equal(3, SrsTimestamp.AgeInDays(SrsTimestamp.Format(_clock.Now), _clock.Now.AddDays(3)));
        Assert.Null(SrsTimestamp.AgeInDays("A1", _clock.Now));
    }

    [Theory]
    [InlineData("SRS0=@fwd.test")]
    [InlineData("SRS0==AA=d=l@fwd.test")]
    [InlineData("SRS0=HHHH=AAA=d=l@fwd.test")]
    [InlineData("SRS1=HHHH=first.test=x@fwd.test")]
    [InlineData("SRS1=HHHH==opaque@fwd.test")]
    [InlineData("SRS0=HHHH=AA=d=l")]
    [InlineData("srs2=x@fwd.test")]
    public void Malformed_srs_addresses_do_not_parse(string address) => Assert.Null(SrsAddress.Parse(address));

    [Fact]
    public async Task The_resolver_returns_a_valid_srs_address_to_its_original_sender_and_refuses_a_forged_one_despite_a_catch_all()
    {
        var directory = new InMemoryDirectory().Domain("fwd.test").User("box@fwd.test").AliasOf("@fwd.test", "box@fwd.test");
        var resolver = new RecipientResolver(directory, Options.Create(new RoutingOptions()), Rewriter());
        string srs = Rewriter().Forward("alice@remote.test", "fwd.test");
        var parsed = (Srs0Address)SrsAddress.Parse(srs)!;

        var valid = await resolver.ResolveAsync(srs, CancellationToken.None);
        var forged = await resolver.ResolveAsync((parsed with { OriginalDomain = "evil.test" }).Format(), CancellationToken.None);

        Assert.Empty(valid.LocalAccounts);
        Assert.Equal(["alice@remote.test"], valid.RemoteAddresses);
        Assert.True(forged.IsEmpty);
    }

    [Fact]
    public void Options_refuse_a_short_secret_and_an_age_beyond_the_timestamp_range()
    {
        Assert.NotEmpty(new RoutingOptions { SrsSecret = "short" }.Problems());
        Assert.NotEmpty(new RoutingOptions { SrsMaxAge = TimeSpan.FromDays(1024) }.Problems());
        Assert.NotEmpty(new RoutingOptions { SrsMaxAge = TimeSpan.FromHours(1) }.Problems());
        Assert.Empty(new RoutingOptions { SrsSecret = Secret }.Problems());
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
