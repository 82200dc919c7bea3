using CloudMail.Core.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Tests.Delivery;

/// <summary>How <c>CloudMail:Delivery:RetrySchedule</c> from configuration becomes the schedule the outbound stage uses.</summary>
public sealed class RetryScheduleConfigurationTests
{
    private static DeliveryOptions Bind(params (string Key, string Value)[] settings)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        var options = new DeliveryOptions();
        configuration.GetSection(DeliveryOptions.Section).Bind(options);
        return options;
    }

    [Fact]
    public void A_configured_schedule_replaces_the_default_schedule_whole()
    {
        DeliveryOptions options = Bind(("CloudMail:Delivery:RetrySchedule:0", "00:00:30"), ("CloudMail:Delivery:RetrySchedule:1", "00:02:00"));

        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2)], options.EffectiveRetrySchedule);
        Assert.Empty(options.Problems());
    }

    [Fact]
    public void Without_configuration_the_default_schedule_applies()
    {
        DeliveryOptions options = Bind();

        Assert.Equal(DeliveryOptions.DefaultRetrySchedule, options.EffectiveRetrySchedule);
        Assert.Equal(TimeSpan.FromMinutes(5), options.EffectiveRetrySchedule[0]);
        Assert.Equal(TimeSpan.FromHours(4), options.EffectiveRetrySchedule[^1]);
    }

    [Fact]
    public void A_wait_that_is_not_positive_is_a_configuration_problem()
    {
        DeliveryOptions options = Bind(("CloudMail:Delivery:RetrySchedule:0", "00:00:00"));

        Assert.Contains(options.Problems(), p => p.Contains("RetrySchedule", StringComparison.Ordinal));
    }
}
