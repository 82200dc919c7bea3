using CloudMail.Core.Filtering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CloudMail.Filtering.Tests;

public class FilteringRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddCloudMailFiltering();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Filtering_is_off_by_default_and_on_when_enabled()
    {
        using var off = Build([]);
        Assert.IsType<NoInboundFilter>(off.GetRequiredService<IInboundFilter>());
        using var on = Build(new() { ["CloudMail:Filtering:Enabled"] = "true", ["CloudMail:Filtering:AuthServId"] = "mx.receiver.test" });
        Assert.IsType<AuthenticationFilter>(on.GetRequiredService<IInboundFilter>());
    }

    [Theory]
    [InlineData("CloudMail:Filtering:AuthServId", "two words")]
    [InlineData("CloudMail:Filtering:PublicSuffixListPath", "/nonexistent/public_suffix_list.dat")]
    [InlineData("CloudMail:Filtering:CheckTimeout", "00:00:00")]
    public void Invalid_options_fail_validation(string key, string value)
    {
        using var provider = Build(new() { [key] = value });
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FilteringOptions>>().Value);
    }

    [Fact]
    public void The_default_authserv_id_is_the_host_name() =>
        Assert.Equal(CloudMail.Core.DnsSetup.MailHostName.Machine.ToLowerInvariant(), new FilteringOptions().EffectiveAuthServId());
}
