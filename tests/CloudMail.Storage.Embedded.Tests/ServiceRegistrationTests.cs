using CloudMail.ContractTests;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Intake;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using CloudMail.Core.SendApi;
using CloudMail.Storage.Embedded.Idempotency;
using CloudMail.Storage.Embedded.Intake;
using CloudMail.Storage.Embedded.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Storage.Embedded.Tests;

public sealed class ServiceRegistrationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task AddCloudMailEmbeddedStorage_registers_every_contract_over_one_store()
    {
        var services = new ServiceCollection().AddCloudMailEmbeddedStorage(_folder.Path);

        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<EmbeddedStorage>();
            Assert.Same(store.Blobs, provider.GetRequiredService<IMessageBlobStore>());
            Assert.Same(store.MailDirectory, provider.GetRequiredService<IMailDirectory>());
            Assert.Same(store.Mailboxes, provider.GetRequiredService<IMailboxIndex>());
            Assert.Same(store.Queue, provider.GetRequiredService<IMailQueue>());
            Assert.Same(store.DeliveryLog, provider.GetRequiredService<IDeliveryLog>());
            Assert.Same(provider.GetRequiredService<IMailQueue>(), provider.GetRequiredService<IMailQueue>());
            await provider.GetRequiredService<IMailQueue>().EnqueueAsync(QueueNames.Inbound, TestData.Job(), null, CancellationToken.None);
        }

        // Disposing the container closed the store: the folder can be opened (and deleted) again.
        await using EmbeddedStorage reopened = EmbeddedStorage.Open(_folder.Path);
        Assert.Equal(1, await reopened.Queue.CountAsync(QueueNames.Inbound, CancellationToken.None));
    }

    [Fact]
    public void Synchronous_container_dispose_closes_the_store()
    {
        var services = new ServiceCollection().AddCloudMailEmbeddedStorage(_folder.Path);
        using (ServiceProvider provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<IMailboxIndex>();
            Assert.NotEmpty(OpenFilesUnder(_folder.Path));
        }

        // Every database handle under the folder is closed once the container is disposed synchronously.
        Assert.Empty(OpenFilesUnder(_folder.Path));
    }

    /// <summary>Files under <paramref name="folder"/> that this process holds open (Linux: /proc/self/fd).</summary>
    private static List<string> OpenFilesUnder(string folder)
    {
        string root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        var open = new List<string>();
        foreach (string fd in System.IO.Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith(root, StringComparison.Ordinal)) open.Add(target);
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }
        return open;
    }

    [Fact]
    public async Task The_intake_outbox_is_registered_opened_on_first_use_and_durable_across_containers()
    {
        var services = new ServiceCollection().AddCloudMailEmbeddedStorage(_folder.Path);
        var marker = new IntakeMarker(TestData.Job(), TestData.Now(), 0);

        await using (ServiceProvider provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<IMailQueue>();
            Assert.False(File.Exists(Path.Combine(_folder.Path, SqliteIntakeOutbox.FileName)), "a host that never asks for the outbox never creates it");
            await provider.GetRequiredService<IIntakeOutbox>().RecordAsync(marker, CancellationToken.None);
        }

        using SqliteIntakeOutbox reopened = SqliteIntakeOutbox.Open(_folder.Path);
        var listed = Assert.Single(await reopened.ListRecordedBeforeAsync(DateTimeOffset.MaxValue, 10, CancellationToken.None));
        Assert.Equal(marker.Job.MessageId, listed.Job.MessageId);
    }

    [Fact]
    public async Task The_idempotency_store_is_registered_and_its_records_survive_a_new_container()
    {
        var services = new ServiceCollection().AddCloudMailEmbeddedStorage(_folder.Path);
        string key = CloudMail.Core.Messages.MessageIds.New();

        await using (ServiceProvider provider = services.BuildServiceProvider())
            Assert.Equal("aa", (await provider.GetRequiredService<IIdempotencyStore>().ClaimAsync(key, "aa", CancellationToken.None)).Fingerprint);

        using SqliteIdempotencyStore reopened = SqliteIdempotencyStore.Open(_folder.Path);
        Assert.Equal("aa", (await reopened.ClaimAsync(key, "bb", CancellationToken.None)).Fingerprint);
    }

    public void Dispose() => _folder.Dispose();
}
