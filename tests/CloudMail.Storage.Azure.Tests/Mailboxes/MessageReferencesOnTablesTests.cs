using Azure;
using Azure.Data.Tables;
using CloudMail.ContractTests;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;
using CloudMail.Storage.Azure.Mailboxes;
using CloudMail.Storage.Azure.Tables;
using CloudMail.Storage.Azure.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Azure.Tests.Mailboxes;

/// <summary>
/// Azure-specific behaviour of reclaiming on Azurite, beyond the contract: references read consistently across a
/// partition without transactions, blobs from before holder rows were kept, rows left behind by a deleted mailbox.
/// </summary>
public sealed class MessageReferencesOnTablesTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string Inbox = DefaultMailboxes.Inbox;
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;
    private readonly InterferingTableClient _index = new(fixture.Table(AzureResourceNames.Tables.MailboxIndex));
    private ReferenceTables _tables = null!;

    public async Task InitializeAsync() => _tables = await ReferenceTables.CreateAsync(_ct);

    public async Task DisposeAsync() => await _tables.DisposeAsync();

    [Fact]
    public async Task A_mailbox_changing_during_the_reference_read_makes_it_read_again()
    {
        AzureMessageReferences references = References(new AzureStorageOptions());
        (string account, BlobRef blob) = await AccountWithMessageAsync(references);
        int reads = 0;
        _index.BeforeQuery = async filter =>
        {
            if (filter?.Contains("BlobId", StringComparison.Ordinal) == true && ++reads == 1) await TouchMailboxAsync(account, Inbox);
        };

        Assert.True(await references.IsReferencedAsync(blob.Id, _ct));

        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task An_account_changing_throughout_the_read_fails_the_candidate_which_stays_for_later()
    {
        AzureMessageReferences references = References(new AzureStorageOptions { MaxConcurrencyAttempts = 2 });
        AzureMailboxIndex index = fixture.NewMailboxIndex(fixture.Options, references);
        (string account, BlobRef blob) = await AccountWithMessageAsync(references);
        uint uid = Assert.Single(await index.GetMessagesAsync(account, Inbox, _ct)).Uid;
        await index.ExpungeAsync(account, Inbox, [uid], _ct);
        _index.BeforeQuery = async filter =>
        {
            if (filter?.Contains("BlobId", StringComparison.Ordinal) == true) await TouchMailboxAsync(account, "Trash");
        };

        ReclaimResult result = await Reclaimer(references).ReclaimAsync(new ReclaimLimits(10, TimeSpan.FromHours(1)), _ct);

        Assert.Equal((1, 1, 0), (result.Examined, result.Failed, result.Reclaimed));
        Assert.True(await fixture.Blobs.ExistsAsync(blob.Id, _ct));
        Assert.Contains(await references.ListDueCandidatesAsync(DateTimeOffset.UtcNow.AddHours(2), 10, _ct), c => c.BlobId == blob.Id);
    }

    [Fact]
    public async Task A_blob_with_no_holder_rows_from_before_they_were_kept_counts_as_referenced()
    {
        AzureMessageReferences references = References(new AzureStorageOptions());
        AzureMailboxIndex index = fixture.NewMailboxIndex(fixture.Options, references);
        (string account, BlobRef blob) = await AccountWithMessageAsync(references);
        await references.ForgetAsync(blob.Id, _ct); // as data written before holder rows existed
        uint uid = Assert.Single(await index.GetMessagesAsync(account, Inbox, _ct)).Uid;
        await index.ExpungeAsync(account, Inbox, [uid], _ct);

        ReclaimResult result = await Reclaimer(references).ReclaimAsync(new ReclaimLimits(10, TimeSpan.FromHours(1)), _ct);

        Assert.Equal((1, 1, 0), (result.Examined, result.Referenced, result.Reclaimed));
        Assert.True(await fixture.Blobs.ExistsAsync(blob.Id, _ct));
    }

    [Fact]
    public async Task Message_rows_left_behind_by_a_deleted_mailbox_are_no_references()
    {
        AzureMessageReferences references = References(new AzureStorageOptions());
        AzureMailboxIndex index = fixture.NewMailboxIndex(fixture.Options, references);
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        await index.CreateMailboxAsync(account, "Work", SpecialUse.None, _ct);
        BlobRef blob = TestData.BlobRef();
        await index.AppendAsync(account, "Work", blob, TestData.Now(), MessageFlags.None, [], null, _ct);
        Assert.True(await references.IsReferencedAsync(blob.Id, _ct));

        // A DELETE interrupted after its commit point: the mailbox row is gone, its message rows are not (yet).
        await fixture.Table(AzureResourceNames.Tables.MailboxIndex).DeleteEntityAsync(TableKeys.Escape(account), IndexRows.Mailbox("Work"), ETag.All, _ct);

        Assert.False(await references.IsReferencedAsync(blob.Id, _ct));
    }

    private AzureMessageReferences References(AzureStorageOptions options) =>
        new(_tables.Holders, _tables.Candidates, _index, options, NullLogger<AzureMessageReferences>.Instance);

    private MessageReclaimer Reclaimer(AzureMessageReferences references) =>
        new(references, fixture.DeliveryLog, fixture.Blobs, TimeProvider.System, NullLogger<MessageReclaimer>.Instance);

    /// <summary>A fresh account with one stored message in INBOX.</summary>
    private async Task<(string Account, BlobRef Blob)> AccountWithMessageAsync(AzureMessageReferences references)
    {
        AzureMailboxIndex index = fixture.NewMailboxIndex(fixture.Options, references);
        string account = Unique.Account();
        await index.EnsureDefaultMailboxesAsync(account, _ct);
        await using IBlobWriter writer = fixture.Blobs.CreateWriter(Unique.MessageId());
        await writer.WriteAsync(TestData.RandomBytes(100), _ct);
        BlobRef blob = await writer.CommitAsync(_ct);
        await index.AppendAsync(account, Inbox, blob, TestData.Now(), MessageFlags.None, [], null, _ct);
        return (account, blob);
    }

    /// <summary>What another process's write does to the mailbox row: a new ETag.</summary>
    private Task TouchMailboxAsync(string account, string mailbox) =>
        fixture.Table(AzureResourceNames.Tables.MailboxIndex).UpdateEntityAsync(
            new TableEntity(TableKeys.Escape(account), IndexRows.Mailbox(mailbox)) { ["TouchedBy"] = "test" }, ETag.All, TableUpdateMode.Merge, _ct);
}
