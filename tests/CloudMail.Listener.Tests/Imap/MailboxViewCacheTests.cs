using CloudMail.Listener.Imap.Messages;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>The process-wide cache of whole-mailbox answers gives one back only for the same mailbox, name and UIDs, and holds at most its capacity.</summary>
public sealed class MailboxViewCacheTests
{
    [Fact]
    public void An_answer_is_given_back_only_for_its_account_mailbox_name_and_exact_uids()
    {
        var cache = new MailboxViewCache<string>(capacity: 100);
        cache.Add("a@x.test", 7, "Subject", [1, 2, 5], "answer");

        Assert.Equal("answer", cache.Get("a@x.test", 7, "Subject", [1, 2, 5]));
        Assert.Null(cache.Get("a@x.test", 7, "Subject", [1, 2]));
        Assert.Null(cache.Get("a@x.test", 7, "Subject", [1, 2, 6]));
        Assert.Null(cache.Get("a@x.test", 7, "Subject", [1, 2, 5, 6]));
        Assert.Null(cache.Get("a@x.test", 8, "Subject", [1, 2, 5]));
        Assert.Null(cache.Get("b@x.test", 7, "Subject", [1, 2, 5]));
        Assert.Null(cache.Get("a@x.test", 7, "-Subject", [1, 2, 5]));
        Assert.Equal(1, cache.Hits);
    }

    [Fact]
    public void A_replaced_answer_frees_its_room_and_the_cache_starts_over_when_full()
    {
        var cache = new MailboxViewCache<string>(capacity: 5);
        cache.Add("a", 1, "Subject", [1, 2, 3], "first");
        cache.Add("a", 1, "Subject", [1, 2, 3, 4], "second");
        Assert.Equal(4, cache.Held);
        Assert.Equal("second", cache.Get("a", 1, "Subject", [1, 2, 3, 4]));

        cache.Add("a", 1, "Date", [1, 2], "third");

        Assert.Equal(2, cache.Held);
        Assert.Null(cache.Get("a", 1, "Subject", [1, 2, 3, 4]));
        Assert.Equal("third", cache.Get("a", 1, "Date", [1, 2]));
        cache.Add("a", 2, "Date", [1, 2, 3, 4, 5, 6], "larger than the whole cache: not kept");
        Assert.Equal(2, cache.Held);
        Assert.Null(cache.Get("a", 2, "Date", [1, 2, 3, 4, 5, 6]));
    }
}
