using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Mailboxes;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.ContractTests;

/// <summary>The stores <see cref="MessageReclaimer"/> works on, all of one backend.</summary>
/// <param name="References">Must list only this test's candidates (a fresh store or tables per test: listing is global).</param>
public sealed record ReclaimBackend(IMailboxIndex Mailboxes, IMessageReferences References, IMessageBlobStore Blobs, IDeliveryLog DeliveryLog);

/// <summary>
/// Reclaiming message bytes (<see cref="IMessageReferences"/> with the index, the blob store and the delivery log of one
/// backend, driven by <see cref="MessageReclaimer"/>): a blob goes when its last copy is expunged, never while a copy
/// remains or the pipeline still needs it.
/// </summary>
public abstract class MessageReclaimContractTests : ContractTest<ReclaimBackend>
{
    private const string Inbox = DefaultMailboxes.Inbox;
    private static readonly ReclaimLimits Limits = new(100, TimeSpan.FromHours(1));

    private IMailboxIndex Index => Subject.Mailboxes;

    [Fact]
    public async Task A_blob_stays_readable_while_one_copy_remains_and_is_gone_after_the_last_is_expunged()
    {
        string account = await NewAccountAsync();
        (BlobRef blob, byte[] bytes) = await StoreBlobAsync();
        AppendResult original = await AppendAsync(account, Inbox, blob);
        CopyResult copy = await Index.CopyAsync(account, Inbox, [original.Uid], "Trash", Ct);

        await Index.ExpungeAsync(account, Inbox, [original.Uid], Ct);
        ReclaimResult first = await ReclaimAsync();

        Assert.Equal((1, 0, 1), (first.Examined, first.Reclaimed, first.Referenced));
        Assert.Equal(bytes, await ReadAsync(blob.Id));

        await Index.ExpungeAsync(account, "Trash", copy.DestinationUids, Ct);
        ReclaimResult last = await ReclaimAsync();

        Assert.Equal((1, 1), (last.Examined, last.Reclaimed));
        Assert.False(await Subject.Blobs.ExistsAsync(blob.Id, Ct));
        await Assert.ThrowsAsync<BlobNotFoundException>(() => Subject.Blobs.OpenReadAsync(blob.Id, Ct));
        Assert.Equal(0, (await ReclaimAsync()).Examined);
    }

    [Fact]
    public async Task A_blob_delivered_to_two_accounts_stays_until_both_have_expunged_it()
    {
        string first = await NewAccountAsync(), second = await NewAccountAsync();
        (BlobRef blob, byte[] bytes) = await StoreBlobAsync();
        uint firstUid = (await AppendAsync(first, Inbox, blob)).Uid;
        uint secondUid = (await AppendAsync(second, Inbox, blob)).Uid;

        await Index.ExpungeAsync(first, Inbox, [firstUid], Ct);
        Assert.Equal(1, (await ReclaimAsync()).Referenced);
        Assert.Equal(bytes, await ReadAsync(blob.Id));

        await Index.ExpungeAsync(second, Inbox, [secondUid], Ct);
        Assert.Equal(1, (await ReclaimAsync()).Reclaimed);
        Assert.False(await Subject.Blobs.ExistsAsync(blob.Id, Ct));
    }

    [Fact]
    public async Task A_message_the_pipeline_still_routes_is_kept_and_examined_again_later()
    {
        string account = await NewAccountAsync();
        (BlobRef blob, _) = await StoreBlobAsync();
        await Subject.DeliveryLog.RecordAsync(new DeliveryRecord(blob.Id, "other@contract.test", DeliveryStatus.Pending, 0, "routing", TestData.Now()), Ct);
        uint uid = (await AppendAsync(account, Inbox, blob)).Uid;
        await Index.ExpungeAsync(account, Inbox, [uid], Ct);

        ReclaimResult held = await ReclaimAsync();

        Assert.Equal((1, 1, 0), (held.Examined, held.Held, held.Reclaimed));
        Assert.True(await Subject.Blobs.ExistsAsync(blob.Id, Ct));
        Assert.Empty(await Subject.References.ListDueCandidatesAsync(DateTimeOffset.UtcNow, 10, Ct));
        Assert.Contains(await Subject.References.ListDueCandidatesAsync(DateTimeOffset.UtcNow + Limits.RecheckHeldAfter, 10, Ct), c => c.BlobId == blob.Id);

        await Subject.DeliveryLog.RecordAsync(new DeliveryRecord(blob.Id, "other@contract.test", DeliveryStatus.Delivered, 1, "250", TestData.Now()), Ct);
        ReclaimResult later = await ReclaimAsync(after: Limits.RecheckHeldAfter);

        Assert.Equal(1, later.Reclaimed);
        Assert.False(await Subject.Blobs.ExistsAsync(blob.Id, Ct));
    }

    [Fact]
    public async Task Deleting_a_mailbox_reclaims_its_messages_but_not_those_with_a_copy_elsewhere()
    {
        string account = await NewAccountAsync();
        await Index.CreateMailboxAsync(account, "Work", SpecialUse.None, Ct);
        (BlobRef only, _) = await StoreBlobAsync();
        (BlobRef shared, byte[] sharedBytes) = await StoreBlobAsync();
        await AppendAsync(account, "Work", only);
        uint sharedUid = (await AppendAsync(account, "Work", shared)).Uid;
        await Index.CopyAsync(account, "Work", [sharedUid], Inbox, Ct);

        await Index.DeleteMailboxAsync(account, "Work", Ct);
        ReclaimResult result = await ReclaimAsync();

        Assert.Equal((2, 1, 1), (result.Examined, result.Reclaimed, result.Referenced));
        Assert.False(await Subject.Blobs.ExistsAsync(only.Id, Ct));
        Assert.Equal(sharedBytes, await ReadAsync(shared.Id));
    }

    [Fact]
    public async Task Removing_an_account_reclaims_the_messages_only_it_had()
    {
        string leaving = await NewAccountAsync(), staying = await NewAccountAsync();
        (BlobRef own, _) = await StoreBlobAsync();
        (BlobRef shared, _) = await StoreBlobAsync();
        await AppendAsync(leaving, Inbox, own);
        await AppendAsync(leaving, "Trash", shared);
        await AppendAsync(staying, Inbox, shared);

        await Index.DeleteAccountDataAsync(leaving, Ct);
        ReclaimResult result = await ReclaimAsync();

        Assert.Equal((2, 1, 1), (result.Examined, result.Reclaimed, result.Referenced));
        Assert.False(await Subject.Blobs.ExistsAsync(own.Id, Ct));
        Assert.True(await Subject.Blobs.ExistsAsync(shared.Id, Ct));
    }

    [Fact]
    public async Task A_candidate_recorded_again_after_it_was_listed_survives_the_removal_of_the_listed_one()
    {
        string blobId = Unique.MessageId();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        await Subject.References.AddCandidateAsync(blobId, now, Ct);
        ReclaimCandidate listed = Assert.Single(await Subject.References.ListDueCandidatesAsync(now, 10, Ct));

        await Subject.References.AddCandidateAsync(blobId, now, Ct);
        await Subject.References.RemoveCandidateAsync(listed, Ct);

        ReclaimCandidate again = Assert.Single(await Subject.References.ListDueCandidatesAsync(now, 10, Ct));
        Assert.Equal(blobId, again.BlobId);
        Assert.NotEqual(listed.Version, again.Version);
        await Subject.References.RemoveCandidateAsync(again, Ct);
        Assert.Empty(await Subject.References.ListDueCandidatesAsync(now, 10, Ct));
    }

    private Task<ReclaimResult> ReclaimAsync(TimeSpan after = default) =>
        new MessageReclaimer(Subject.References, Subject.DeliveryLog, Subject.Blobs, new Later(after), NullLogger<MessageReclaimer>.Instance)
            .ReclaimAsync(Limits, Ct);

    private async Task<string> NewAccountAsync()
    {
        string account = Unique.Account();
        await Index.EnsureDefaultMailboxesAsync(account, Ct);
        return account;
    }

    private Task<AppendResult> AppendAsync(string account, string mailbox, BlobRef blob) =>
        Index.AppendAsync(account, mailbox, blob, TestData.Now(), MessageFlags.None, [], null, Ct);

    private async Task<(BlobRef Blob, byte[] Bytes)> StoreBlobAsync()
    {
        byte[] bytes = TestData.RandomBytes(3_000);
        await using IBlobWriter writer = Subject.Blobs.CreateWriter(Unique.MessageId());
        await writer.WriteAsync(bytes, Ct);
        return (await writer.CommitAsync(Ct), bytes);
    }

    private async Task<byte[]> ReadAsync(string blobId)
    {
        await using Stream stream = await Subject.Blobs.OpenReadAsync(blobId, Ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }

    /// <summary>The system clock moved on by a fixed amount.</summary>
    private sealed class Later(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + by;
    }
}
