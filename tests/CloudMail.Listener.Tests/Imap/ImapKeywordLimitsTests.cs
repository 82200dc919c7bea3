using CloudMail.Listener.Imap.Mailboxes;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// Keywords are bounded per message and in length (RFC 5530 NO [LIMIT]): STORE and APPEND past the bounds change nothing,
/// while keywords within them, and removing any keyword, keep working.
/// </summary>
[Collection(ImapCollection.Name)]
public sealed class ImapKeywordLimitsTests(ImapServerFixture fixture)
{
    private static string Keywords(string prefix, int count) => string.Join(' ', Enumerable.Range(0, count).Select(i => prefix + i));

    private async Task<RawImapClient> SelectedInboxWithOneMessageAsync()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("keywords"));
        var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        return c;
    }

    [Fact]
    public async Task Store_past_the_keywords_a_message_holds_is_NO_LIMIT_and_sets_none_of_them()
    {
        await using var c = await SelectedInboxWithOneMessageAsync();
        int half = ImapFlags.MaxKeywordsPerMessage / 2;

        Assert.StartsWith("a OK", (await c.CommandAsync($"a STORE 1 +FLAGS.SILENT ({Keywords("first", half)})", "a"))[^1]);
        Assert.StartsWith("b OK", (await c.CommandAsync($"b STORE 1 +FLAGS.SILENT ({Keywords("second", ImapFlags.MaxKeywordsPerMessage - half)})", "b"))[^1]);
        Assert.Equal($"c NO [LIMIT] A message holds at most {ImapFlags.MaxKeywordsPerMessage} keywords",
            (await c.CommandAsync("c STORE 1 +FLAGS.SILENT (one-more)", "c"))[^1]);
        Assert.StartsWith("d OK", (await c.CommandAsync("d STORE 1 +FLAGS.SILENT (first0 \\Seen)", "d"))[^1]); // nothing new: still within
        Assert.StartsWith("e NO [LIMIT]", (await c.CommandAsync($"e STORE 1 FLAGS.SILENT ({Keywords("third", ImapFlags.MaxKeywordsPerMessage + 1)})", "e"))[^1]);

        var fetched = string.Join("\n", await c.CommandAsync("f FETCH 1 (FLAGS)", "f"));
        Assert.DoesNotContain("one-more", fetched);
        Assert.DoesNotContain("third0", fetched);
        Assert.Contains("second0", fetched);

        Assert.StartsWith("g OK", (await c.CommandAsync($"g STORE 1 -FLAGS.SILENT ({Keywords("first", half)})", "g"))[^1]);
        Assert.StartsWith("h OK", (await c.CommandAsync("h STORE 1 +FLAGS.SILENT (one-more)", "h"))[^1]);
        Assert.Contains("one-more", string.Join("\n", await c.CommandAsync("i FETCH 1 (FLAGS)", "i")));
    }

    [Fact]
    public async Task A_keyword_past_the_length_limit_is_NO_LIMIT_in_store_and_append()
    {
        await using var c = await SelectedInboxWithOneMessageAsync();
        string tooLong = new('k', ImapFlags.MaxKeywordLength + 1);
        string longest = new('k', ImapFlags.MaxKeywordLength);

        Assert.Equal($"a NO [LIMIT] Keywords are limited to {ImapFlags.MaxKeywordLength} characters",
            (await c.CommandAsync($"a STORE 1 +FLAGS ({tooLong})", "a"))[^1]);
        Assert.StartsWith("b OK", (await c.CommandAsync($"b STORE 1 +FLAGS.SILENT ({longest})", "b"))[^1]);
        Assert.StartsWith("c OK", (await c.CommandAsync($"c STORE 1 -FLAGS.SILENT ({tooLong} {longest})", "c"))[^1]);

        const string message = "Subject: x\r\n\r\nx\r\n";
        Assert.StartsWith("d NO [LIMIT]", (await c.CommandAsync($"d APPEND INBOX ({tooLong}) {{{message.Length}+}}\r\n{message}", "d"))[^1]);
        Assert.StartsWith("e NO [LIMIT]", (await c.CommandAsync(
            $"e APPEND INBOX ({Keywords("k", ImapFlags.MaxKeywordsPerMessage + 1)}) {{{message.Length}+}}\r\n{message}", "e"))[^1]);
        Assert.StartsWith("f OK", (await c.CommandAsync($"f APPEND INBOX ({longest}) {{{message.Length}+}}\r\n{message}", "f"))[^1]);
        Assert.Contains("* STATUS INBOX (MESSAGES 2)", await c.CommandAsync("g STATUS INBOX (MESSAGES)", "g"));
    }
}
