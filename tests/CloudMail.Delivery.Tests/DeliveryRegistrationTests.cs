using CloudMail.Core.Delivery;
using DnsClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery.Tests;

/// <summary>What a host gets from <c>AddCloudMailDelivery()</c>: bound and validated options, one resolver, the transport.</summary>
public sealed class DeliveryRegistrationTests
{
    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddCloudMailDelivery();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_transport_the_resolver_and_the_options_come_from_configuration()
    {
        using var sp = Services(("CloudMail:Dns:Servers:0", "127.0.0.1:5353"), ("CloudMail:Dns:Servers:1", "[::1]"),
            ("CloudMail:Delivery:MxPort", "2525"), ("CloudMail:HostName", "mx.a.test"));

        Assert.IsType<SmtpOutboundTransport>(sp.GetRequiredService<IOutboundTransport>());
        Assert.Same(sp.GetRequiredService<ILookupClient>(), sp.GetRequiredService<ILookupClient>());
        Assert.Equal(["127.0.0.1:5353", "[::1]:53"], sp.GetRequiredService<IOptions<DnsOptions>>().Value.Endpoints().Select(e => e.ToString()));
        var delivery = sp.GetRequiredService<IOptions<DeliveryOptions>>().Value;
        Assert.Equal(2525, delivery.MxPort);
        Assert.Equal("mx.a.test", delivery.HeloName); // no HeloName: the server's host name
    }

    [Fact]
    public void An_explicit_EHLO_name_wins_over_the_host_name()
    {
        using var sp = Services(("CloudMail:Delivery:HeloName", "out.a.test"), ("CloudMail:HostName", "mx.a.test"));

        Assert.Equal("out.a.test", sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.HeloName);
    }

    [Fact]
    public void A_resolver_that_is_not_an_address_stops_the_start_naming_the_setting()
    {
        using var sp = Services(("CloudMail:Dns:Servers:0", "dns.example:53"));

        var e = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<DnsOptions>>().Value);
        Assert.Contains("CloudMail:Dns:Servers: 'dns.example:53'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_delivery_options_stop_the_start_naming_each_problem()
    {
        using var sp = Services(("CloudMail:Delivery:MxPort", "0"), ("CloudMail:Delivery:MaxConnectionsPerDestination", "0"));

        var e = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<DeliveryOptions>>().Value);
        Assert.Contains("CloudMail:Delivery:MxPort", e.Message, StringComparison.Ordinal);
        Assert.Contains("CloudMail:Delivery:MaxConnectionsPerDestination", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delivery_timeout_the_stuck_outbound_sweep_could_overtake_stops_the_start()
    {
        // A delivery still running when the sweep looks would be queued again and sent twice.
        using var sp = Services(("CloudMail:Delivery:DeliveryTimeout", "02:00:00")); // the sweep's default: 2 hours

        var e = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<DeliveryOptions>>().Value);
        Assert.Contains("CloudMail:Delivery:DeliveryTimeout must be shorter than CloudMail:Pipeline:StuckOutboundAfter", e.Message, StringComparison.Ordinal);
        using var shorter = Services(("CloudMail:Delivery:DeliveryTimeout", "01:59:00"));
        Assert.Equal(TimeSpan.FromMinutes(119), shorter.GetRequiredService<IOptions<DeliveryOptions>>().Value.DeliveryTimeout);
    }

    [Fact]
    public void A_missing_trusted_roots_file_stops_the_start()
    {
        using var sp = Services(("CloudMail:OutboundTls:ExtraTrustedRootsFile", "/nonexistent/roots.pem"));

        var e = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOutboundTransport>());
        Assert.Contains("CloudMail:OutboundTls:ExtraTrustedRootsFile", e.Message, StringComparison.Ordinal);
    }
}
