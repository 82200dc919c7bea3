using CloudMail.Listener.Imap.Messages;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>The process-wide SORT/THREAD value cache keeps what it was given, by blob id, and never more than its capacity.</summary>
public sealed class MessageOrderCacheTests
{
    private static MessageOrderValues Values(string subject) => MessageOrderValues.None with { From = subject };

    [Fact]
    public void Values_are_kept_by_blob_id_and_the_cache_starts_over_when_full()
    {
        var cache = new MessageOrderCache(capacity: 3);
        cache.Add("a", Values("a"));
        cache.Add("b", Values("b"));
        cache.Add("c", Values("c"));
        Assert.Equal("b", cache.Get("b")!.From);
        Assert.Null(cache.Get("z"));
        Assert.Equal(3, cache.Count);

        cache.Add("d", Values("d")); // full: what was held goes
        Assert.Equal(1, cache.Count);
        Assert.Null(cache.Get("a"));
        Assert.Equal("d", cache.Get("d")!.From);

        cache.Add("d", Values("other")); // a blob's values never change: the first stays
        Assert.Equal("d", cache.Get("d")!.From);
        Assert.Equal(1, cache.Count);
    }
}
