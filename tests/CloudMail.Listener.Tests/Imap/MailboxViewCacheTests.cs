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
        const int W = MailboxViewCache<string>.MinimumWeight;
        uint[] Uids(int n) => [.. Enumerable.Range(1, n).Select(i => (uint)i)];
        var cache = new MailboxViewCache<string>(capacity: 5 * W);
        cache.Add("a", 1, "Subject", Uids(3 * W), "first");
        cache.Add("a", 1, "Subject", Uids(4 * W), "second");
        Assert.Equal(4 * W, cache.Held);
        Assert.Equal("second", cache.Get("a", 1, "Subject", Uids(4 * W)));

        cache.Add("a", 1, "Date", Uids(2 * W), "third");

        Assert.Equal(2 * W, cache.Held);
        Assert.Null(cache.Get("a", 1, "Subject", Uids(4 * W)));
        Assert.Equal("third", cache.Get("a", 1, "Date", Uids(2 * W)));
        cache.Add("a", 2, "Date", Uids(6 * W), "larger than the whole cache: not kept");
        Assert.Equal(2 * W, cache.Held);
        Assert.Null(cache.Get("a", 2, "Date", Uids(6 * W)));
    }

    [Fact]
    public void Answers_over_a_few_messages_count_as_the_minimum_so_that_their_number_is_bounded()
    {
        var cache = new MailboxViewCache<string>(capacity: 3 * MailboxViewCache<string>.MinimumWeight);
        for (uint mailbox = 1; mailbox <= 3; mailbox++) cache.Add("a", mailbox, "Subject", [1], "one message");
        Assert.Equal(3 * MailboxViewCache<string>.MinimumWeight, cache.Held);
        Assert.Equal("one message", cache.Get("a", 1, "Subject", [1]));

        cache.Add("a", 4, "Subject", [1], "the fourth");

        Assert.Null(cache.Get("a", 1, "Subject", [1]));
        Assert.Equal("the fourth", cache.Get("a", 4, "Subject", [1]));
        Assert.Equal(MailboxViewCache<string>.MinimumWeight, cache.Held);
    }
}
