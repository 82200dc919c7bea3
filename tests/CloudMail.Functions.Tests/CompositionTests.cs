using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Functions.Triggers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Functions.Tests;

/// <summary>What Program.cs composes: every function resolves over the Azure backends from the documented settings.</summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task Every_function_resolves_from_AddCloudMailFunctions_with_connection_string_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CloudMailStorage"] = "UseDevelopmentStorage=true",
            ["CloudMailServiceBus"] = "Endpoint=sb://cloudmail-test.servicebus.windows.net/;SharedAccessKeyName=test;SharedAccessKey=dGVzdA==",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddCloudMailFunctions(configuration);
        services.AddSingleton<InboundFunction>().AddSingleton<OutboundFunction>().AddSingleton<StuckIntakeTimerFunction>().AddSingleton<MessageReclaimTimerFunction>()
            .AddSingleton<SendApiFunctions>().AddSingleton<StuckOutboundTimerFunction>().AddSingleton<EventsFunction>()
            .AddSingleton<RetentionTimerFunction>();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetRequiredService<InboundFunction>());
        Assert.NotNull(provider.GetRequiredService<OutboundFunction>());
        Assert.NotNull(provider.GetRequiredService<StuckIntakeTimerFunction>());
        Assert.NotNull(provider.GetRequiredService<MessageReclaimTimerFunction>());
        // The reclaim timer also sweeps crash-left staging blobs: the Azure blob store is that sweep.
        Assert.Same(provider.GetRequiredService<IMessageBlobStore>(), provider.GetRequiredService<IStagingBlobSweep>());
        Assert.NotNull(provider.GetRequiredService<SendApiFunctions>());
        Assert.NotNull(provider.GetRequiredService<StuckOutboundTimerFunction>());
        Assert.NotNull(provider.GetRequiredService<EventsFunction>());
        Assert.NotNull(provider.GetRequiredService<RetentionTimerFunction>());
        // Least privilege: the Functions identity has no role on the spam-training table (infra/modules/roles.bicep).
        Assert.False(provider.GetRequiredService<CloudMail.Core.Retention.RetentionSweeper>().PrunesSpamTraining);
        // Outbound jobs write their ledger entry, then intake jobs (SMTP is the listener's; here the send API's) their
        // marker, before the Service Bus send.
        Assert.IsType<IntakeRecordingQueue>(provider.GetRequiredKeyedService<IMailQueue>(OutboundLedgerServiceCollectionExtensions.UnledgeredQueueKey));
        Assert.IsType<OutboundLedgerQueue>(provider.GetRequiredService<IMailQueue>());
        Assert.IsType<CloudMail.Storage.Azure.Intake.AzureIntakeOutbox>(provider.GetRequiredKeyedService<IIntakeOutbox>(OutboundLedger.StoreKey));
        // Stuck-intake recovery is on: the markers go to the Azure Table outbox, not to a disabled stand-in.
        Assert.IsType<CloudMail.Storage.Azure.Intake.AzureIntakeOutbox>(provider.GetRequiredService<IIntakeOutbox>());
        // The app delivers: the SMTP transport (MX or smart host) is registered and the route accepts remote recipients.
        Assert.IsType<CloudMail.Delivery.SmtpOutboundTransport>(provider.GetRequiredService<IOutboundTransport>());
        Assert.True(Assert.IsType<OutboundDeliveryRoute>(provider.GetRequiredService<IRemoteDeliveryRoute>()).CanDeliverRemotely);
    }

    [Fact]
    public async Task A_registered_transport_opens_the_route_for_the_send_API()
    {
        await using var h = await Support.FunctionsHarness.StartAsync(configure: s => s.AddSingleton<IOutboundTransport>(new RecordingOutboundTransport()));

        Assert.True(h.Get<IRemoteDeliveryRoute>().CanDeliverRemotely);
    }

    [Fact]
    public async Task Invalid_delivery_settings_stop_the_app_at_start()
    {
        await using var h = await Support.FunctionsHarness.StartAsync(new Dictionary<string, string?> { ["CloudMail:Delivery:Expiry"] = "00:00:00" });

        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => h.Get<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>().Value);
        Assert.Contains("CloudMail:Delivery", e.Message);
    }

    [Fact]
    public async Task A_stuck_outbound_sweep_quicker_than_the_delivery_timeout_stops_the_app_at_start()
    {
        // The sweep would queue a delivery that is still running (default DeliveryTimeout 1 hour) a second time.
        await using var h = await Support.FunctionsHarness.StartAsync(new Dictionary<string, string?> { ["CloudMail:Pipeline:StuckOutboundAfter"] = "00:30:00" });

        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => h.Get<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>().Value);
        Assert.Contains("DeliveryTimeout must be shorter than CloudMail:Pipeline:StuckOutboundAfter", e.Message, StringComparison.Ordinal);
    }
}
