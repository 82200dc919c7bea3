using CloudMail.Core.Delivery;

namespace CloudMail.Delivery.Tests;

/// <summary>Which relay, if any, a recipient domain's mail goes through.</summary>
public sealed class DestinationRoutesTests
{
    private static readonly SmartHostOptions Global = new() { Host = "relay.a.test" };
    private static readonly SmartHostOptions Partner = new() { Host = "relay.partner.test", Port = 465, Tls = SmartHostTls.Implicit };

    private static DeliveryOptions Options(SmartHostOptions? global = null)
    {
        var options = new DeliveryOptions { SmartHost = global ?? new SmartHostOptions() };
        options.Domains["partner.test"] = new DomainRouteOptions { SmartHost = Partner };
        options.Domains["*.partner.test"] = new DomainRouteOptions { SmartHost = Partner };
        options.Domains["direct.test"] = new DomainRouteOptions { Mode = DeliveryMode.Mx };
        options.Domains["*.direct.test"] = new DomainRouteOptions { Mode = DeliveryMode.Mx };
        return options;
    }

    [Fact]
    public void Without_any_relay_every_domain_goes_to_its_MX() => Assert.Null(DestinationRoutes.SmartHostFor("other.test", new DeliveryOptions()));

    [Fact]
    public void The_global_smart_host_takes_domains_without_an_entry() => Assert.Same(Global, DestinationRoutes.SmartHostFor("other.test", Options(Global)));

    [Theory]
    [InlineData("partner.test")]
    [InlineData("eu.partner.test")]
    [InlineData("mail.eu.partner.test")]
    public void A_domain_entry_and_its_wildcard_name_their_own_relay(string domain) => Assert.Same(Partner, DestinationRoutes.SmartHostFor(domain, Options(Global)));

    [Theory]
    [InlineData("direct.test")]
    [InlineData("sub.direct.test")]
    public void A_domain_set_to_Mx_bypasses_the_global_smart_host(string domain) => Assert.Null(DestinationRoutes.SmartHostFor(domain, Options(Global)));

    [Fact]
    public void A_wildcard_does_not_match_a_look_alike_domain() => Assert.Same(Global, DestinationRoutes.SmartHostFor("notpartner.test", Options(Global)));
}
