using CloudMail.Core.Mailboxes;

namespace CloudMail.ContractTests;

public abstract partial class MailboxIndexContractTests
{
    /// <summary>A listing as compared here: UID, flags, keywords and MODSEQ of each message, in UID order.</summary>
    private static List<string> Rows(IEnumerable<MessageRecord> records) =>
        [.. records.OrderBy(m => m.Uid).Select(m => $"{m.Uid} {m.Flags} {string.Join(',', m.Keywords.Order(StringComparer.OrdinalIgnoreCase))} {m.ModSeq}")];

    [Fact]
    public async Task A_kept_view_listing_brought_up_to_date_equals_a_listing_read_anew()
    {
        // ViewListingCache over this backend: its kept listing plus the changes since its MODSEQ must be what the index lists.
        string account = await NewAccountAsync();
        for (int i = 0; i < 8; i++) await AppendAsync(account, flags: i % 3 == 0 ? MessageFlags.Seen : MessageFlags.None);
        var cache = new ViewListingCache(Index, 10_000);
        Assert.Equal(Rows(await Index.ListForViewAsync(account, Inbox, Ct)), Rows(await cache.ListAsync(account, await MailboxAsync(account), Ct)));

        await Index.UpdateFlagsAsync(account, Inbox, [2, 5], Flags(FlagUpdateMode.Add, MessageFlags.Flagged, "Work"), null, Ct);
        await Index.ExpungeAsync(account, Inbox, [3, 8], Ct);
        await AppendAsync(account, keywords: ["New"]);
        await Index.UpdateFlagsAsync(account, Inbox, [9], Flags(FlagUpdateMode.Add, MessageFlags.Answered), null, Ct);

        var updated = await cache.ListAsync(account, await MailboxAsync(account), Ct);
        Assert.Equal(1, cache.Updates);
        Assert.Equal(Rows(await Index.ListForViewAsync(account, Inbox, Ct)), Rows(updated));
        Assert.All(updated, m => Assert.True(m.Structure is null && m.Blob.Sha256.Length == 0));
        // Nothing changed since: the same listing, not read again.
        Assert.Same(updated, await cache.ListAsync(account, await MailboxAsync(account), Ct));
        Assert.Equal((1, 1, 1), (cache.Listings, cache.Updates, cache.Hits));
    }
}
