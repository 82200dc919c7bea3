using CloudMail.Listener.Imap.Messages;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>The process-wide SORT order cache gives an order back only for the same mailbox, criteria and UIDs, and holds at most its capacity.</summary>
public sealed class SortOrderCacheTests
{
    private static SortOrder Order(params uint[] uids) => new(uids, [.. Enumerable.Range(0, uids.Length).Reverse()]);

    [Fact]
    public void An_order_is_given_back_only_for_its_account_mailbox_criteria_and_exact_uids()
    {
        var cache = new SortOrderCache(capacity: 100);
        string subject = SortOrderCache.Name([new SortCriterion(SortKey.Subject, false)]);
        var order = Order(1, 2, 5);
        cache.Add("a@x.test", 7, subject, order);

        Assert.Same(order, cache.Get("a@x.test", 7, subject, [1, 2, 5]));
        Assert.Null(cache.Get("a@x.test", 7, subject, [1, 2]));
        Assert.Null(cache.Get("a@x.test", 7, subject, [1, 2, 6]));
        Assert.Null(cache.Get("a@x.test", 8, subject, [1, 2, 5]));
        Assert.Null(cache.Get("b@x.test", 7, subject, [1, 2, 5]));
        Assert.Null(cache.Get("a@x.test", 7, SortOrderCache.Name([new SortCriterion(SortKey.Subject, true)]), [1, 2, 5]));
        Assert.Equal(1, cache.Hits);
    }

    [Fact]
    public void A_replaced_order_frees_its_room_and_the_cache_starts_over_when_full()
    {
        var cache = new SortOrderCache(capacity: 5);
        cache.Add("a", 1, "Subject", Order(1, 2, 3));
        cache.Add("a", 1, "Subject", Order(1, 2, 3, 4));
        Assert.Equal(4, cache.Held);
        Assert.NotNull(cache.Get("a", 1, "Subject", [1, 2, 3, 4]));

        cache.Add("a", 1, "Date", Order(1, 2));

        Assert.Equal(2, cache.Held);
        Assert.Null(cache.Get("a", 1, "Subject", [1, 2, 3, 4]));
        Assert.NotNull(cache.Get("a", 1, "Date", [1, 2]));
        cache.Add("a", 2, "Date", Order(1, 2, 3, 4, 5, 6));
        Assert.Equal(2, cache.Held); // larger than the whole cache: not kept
    }
}
