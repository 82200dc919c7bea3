using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CloudMail.ContractTests;
using CloudMail.Core.Auth;
using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Azure.Mailboxes;
using CloudMail.Storage.Azure.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Azure.Tests.Accounts;

/// <summary>
/// Removing a user erases it on Azure Storage (GDPR Art. 17): afterwards no row of any table of the storage account names
/// its address (keys or values), and after a reclaim pass the blob of a message only it had is gone from every container,
/// while a message it shared with another account stays.
/// </summary>
public sealed class AccountErasureOnAzureTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;
    private ReferenceTables _tables = null!;

    public async Task InitializeAsync() => _tables = await ReferenceTables.CreateAsync(_ct);

    public async Task DisposeAsync() => await _tables.DisposeAsync();

    [Fact]
    public async Task A_removed_user_leaves_no_row_naming_it_in_any_table_and_no_blob_only_it_had()
    {
        AzureMessageReferences references = fixture.NewReferences(_tables.Holders, _tables.Candidates);
        AzureMailboxIndex index = fixture.NewMailboxIndex(fixture.Options, references);
        var admin = new AccountAdministration(fixture.Directory, index, fixture.DeliveryLog, new AuthOptions { PasswordHashIterations = 1000 });
        string domain = Unique.Domain();
        string erased = $"erased-{Unique.Suffix()}@{domain}";
        string keeper = $"keeper-{Unique.Suffix()}@{domain}";
        await fixture.Directory.AddDomainAsync(domain, _ct);
        await admin.AddUserAsync(erased, "correct horse battery", _ct);
        await admin.AddUserAsync(keeper, "correct horse battery", _ct);
        await fixture.Directory.AddAliasAsync("sales@" + domain, erased, _ct);
        await fixture.Directory.AddAliasAsync("team@" + domain, erased, _ct);
        await fixture.Directory.AddAliasAsync("team@" + domain, keeper, _ct);
        BlobRef own = await PutAsync($"To: {erased}\r\nSubject: own\r\n\r\nhello\r\n");
        BlobRef shared = await PutAsync("Subject: shared\r\n\r\nfor both\r\n");
        await index.AppendAsync(erased, DefaultMailboxes.Inbox, own, TestData.Now(), MessageFlags.None, ["$Important"], own.Id, _ct);
        AppendResult copy = await index.AppendAsync(erased, DefaultMailboxes.Inbox, shared, TestData.Now(), MessageFlags.None, [], shared.Id, _ct);
        await index.AppendAsync(keeper, DefaultMailboxes.Inbox, shared, TestData.Now(), MessageFlags.None, [], shared.Id, _ct);
        await index.ExpungeAsync(erased, DefaultMailboxes.Inbox, [copy.Uid], _ct);
        await index.CreateMailboxAsync(erased, "Projects/" + erased, SpecialUse.None, _ct);
        await fixture.DeliveryLog.RecordAsync(new DeliveryRecord(own.Id, erased, DeliveryStatus.Delivered, 1, "250 ok", TestData.Now()), _ct);
        await fixture.DeliveryLog.RecordAsync(new DeliveryRecord(shared.Id, keeper, DeliveryStatus.Delivered, 1, "250 ok", TestData.Now()), _ct);
        Assert.NotEmpty(await RowsNamingAsync(erased));

        Assert.True(await admin.RemoveUserAsync(erased, _ct));
        ReclaimResult reclaimed = await new MessageReclaimer(references, fixture.DeliveryLog, fixture.Blobs, TimeProvider.System,
            NullLogger<MessageReclaimer>.Instance).ReclaimAsync(ReclaimLimits.Default, _ct);

        Assert.Empty(await RowsNamingAsync(erased));
        Assert.Empty(await fixture.Directory.GetAliasTargetsAsync("sales@" + domain, _ct));
        Assert.Equal([keeper], await fixture.Directory.GetAliasTargetsAsync("team@" + domain, _ct));
        Assert.Equal((1, 1), (reclaimed.Reclaimed, reclaimed.Referenced));
        List<string> blobNames = await AllBlobNamesAsync();
        Assert.DoesNotContain(blobNames, name => name.Contains(own.Id, StringComparison.Ordinal));
        Assert.Contains(blobNames, name => name.Contains(shared.Id, StringComparison.Ordinal));
        Assert.NotEmpty(await RowsNamingAsync(keeper));
        Assert.Single(await index.GetMessagesAsync(keeper, DefaultMailboxes.Inbox, _ct));
    }

    private Task<List<string>> RowsNamingAsync(string text) => StorageAccountScan.RowsNamingAsync(fixture.Clients.Tables, text, _ct);

    private async Task<List<string>> AllBlobNamesAsync()
    {
        var names = new List<string>();
        await foreach (BlobContainerItem container in fixture.Clients.Blobs.GetBlobContainersAsync(cancellationToken: _ct))
        {
            BlobContainerClient client = fixture.Clients.Blobs.GetBlobContainerClient(container.Name);
            try
            {
                await foreach (BlobItem blob in client.GetBlobsAsync(cancellationToken: _ct)) names.Add($"{container.Name}/{blob.Name}");
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Another test class deleted its container after the listing: it holds no blob any more.
            }
        }
        return names;
    }

    private async Task<BlobRef> PutAsync(string message)
    {
        await using IBlobWriter writer = fixture.Blobs.CreateWriter(Unique.MessageId());
        await writer.WriteAsync(Encoding.ASCII.GetBytes(message), _ct);
        return await writer.CommitAsync(_ct);
    }
}
