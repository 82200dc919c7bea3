using System.Text;
using CloudMail.Core.Intake;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Tests.Support;

/// <summary>
/// The Functions app's pipeline over the Azure backend on Azurite, with the listener's accept path
/// (<see cref="MessageIntake"/>) in front of it and <see cref="Queue"/> in Service Bus's place (no emulator): what a test
/// needs to accept a message and run a stage on its job as a trigger would.
/// </summary>
public static class AzurePipelineHost
{
    /// <summary>
    /// Builds the services: Azure storage and pipeline from <see cref="Azurite.Configuration"/> plus
    /// <paramref name="settings"/>, <paramref name="queue"/> as the queue; with <paramref name="counter"/>, every Blob and
    /// Table call goes through it; with <paramref name="intakeMarkers"/>, the accept path writes an intake marker per message.
    /// </summary>
    public static async Task<ServiceProvider> BuildAsync(RecordingQueue queue, CountingPolicy? counter = null, bool intakeMarkers = false,
        params (string Key, string? Value)[] settings)
    {
        await Azurite.ClientsAsync(); // tables and container exist
        IConfiguration configuration = Azurite.Configuration(
            [(AzureResourceNames.ServiceBusConnection.Name, "Endpoint=sb://cloudmail-test.servicebus.windows.net/;SharedAccessKeyName=test;SharedAccessKey=dGVzdA=="), .. settings]);
        var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(configuration);
        if (counter is not null) services.AddSingleton(new CloudMailAzureClients(configuration, counter));
        services.AddCloudMailAzureStorage(configuration);
        services.Replace(ServiceDescriptor.Singleton<IMailQueue>(queue));
        if (intakeMarkers) services.AddCloudMailIntakeOutbox(); // the listener's accept path: an intake marker per message
        services.AddSingleton<MessageIntake>();
        services.AddCloudMailPipeline(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Accepts a short message from a remote sender to <paramref name="account"/> as port 25 would; returns its inbound job.</summary>
    public static async Task<MailJob> AcceptAsync(IServiceProvider services, string account, string subject, CancellationToken cancellationToken)
    {
        var intake = services.GetRequiredService<MessageIntake>();
        var (id, writer) = intake.Begin();
        await using (writer)
        {
            await writer.WriteAsync(Encoding.ASCII.GetBytes($"From: <a@remote.test>\r\nTo: <{account}>\r\nSubject: {subject}\r\n\r\nbody\r\n"), cancellationToken);
            var envelope = new Envelope("a@remote.test", [account], null, "192.0.2.7", "client.remote.test", DateTimeOffset.UtcNow);
            return await intake.CommitAsync(id, writer, envelope, cancellationToken);
        }
    }
}

/// <summary>The queue in Service Bus's place: counts sends, keeps the last job.</summary>
public sealed class RecordingQueue : IMailQueue
{
    private int _sent;

    public int Sent => _sent;

    public MailJob? Last { get; private set; }

    public Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sent);
        Last = job;
        return Task.CompletedTask;
    }
}
