using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>CATENATE (RFC 4469): APPEND a message assembled from TEXT parts and IMAP URLs, over a raw socket.</summary>
[Collection(ImapCollection.Name)]
public class ImapCatenateTests(ImapServerFixture fixture)
{
    private const string Source = "Subject: source\r\nFrom: a@example.com\r\n\r\nThe source body.\r\n";

    private Task<IReadOnlyList<MessageRecord>> StoredAsync(string user, string mailbox = "INBOX") =>
        fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, mailbox, CancellationToken.None);

    private async Task<string> BytesAsync(MessageRecord record)
    {
        await using var stream = await fixture.Server.Get<IMessageBlobStore>().OpenReadAsync(record.Blob.Id, CancellationToken.None);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        return await reader.ReadToEndAsync();
    }

    /// <summary>A user with the source message stored as INBOX UID 1; returns the INBOX UIDVALIDITY.</summary>
    private async Task<(string User, RawImapClient Client, uint UidValidity)> WithSourceAsync()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await c.SendAsync($"s APPEND INBOX {{{Source.Length}+}}\r\n{Source}\r\n");
        Assert.StartsWith("s OK", (await c.ReadUntilTaggedAsync("s"))[^1]);
        var info = (await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "INBOX", CancellationToken.None))!;
        return (user, c, info.UidValidity);
    }

    private static string Text(string text) => $"TEXT {{{Encoding.UTF8.GetByteCount(text)}+}}\r\n{text}";

    [Fact]
    public async Task A_url_into_another_mailbox_leaves_the_selected_mailboxs_kept_structures_alone()
    {
        // Both messages stored as before structures were kept (no value in the index): the URL's message must be parsed,
        // and what is parsed of it belongs to its own mailbox, not to the selected mailbox's message of the same UID.
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        await c.CommandAsync("m CREATE Other", "m");
        uint here = await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("selected one"));
        uint there = await ImapTest.DeliverAsync(fixture.Server, user, "Other", ImapTest.TextMessage("the other one"));
        Assert.Equal(here, there);
        await c.CommandAsync("s SELECT INBOX", "s");

        await c.SendAsync($"a APPEND Drafts CATENATE (URL \"/Other/;UID={there}/;SECTION=HEADER\" {Text("Body\r\n")})\r\n");
        Assert.StartsWith("a OK", (await c.ReadUntilTaggedAsync("a"))[^1]);
        await c.CommandAsync($"f UID FETCH {here} (FLAGS)", "f"); // a command at whose end parsed structures are written back

        var kept = await fixture.Server.Get<IMailboxIndex>().GetStructuresAsync(user, "INBOX", [here], CancellationToken.None);
        Assert.DoesNotContain(kept, k => k.Value.Contains("the other one", StringComparison.Ordinal));
        await using var later = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await later.CommandAsync("s SELECT INBOX", "s");
        Assert.Contains(await later.CommandAsync($"f UID FETCH {here} (ENVELOPE)", "f"), l => l.Contains("\"selected one\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Capability_lists_catenate()
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        var reply = await c.CommandAsync("c CAPABILITY", "c");
        Assert.Contains(" CATENATE", reply[0]);
    }

    [Fact]
    public async Task Text_and_relative_url_text_section_assemble_byte_exact()
    {
        var (user, c, v) = await WithSourceAsync();
        await using var _c = c;
        string head = "Subject: forwarded\r\n\r\n";
        await c.SendAsync($"a APPEND INBOX CATENATE ({Text(head)} URL \"/INBOX;UIDVALIDITY={v}/;UID=1/;SECTION=TEXT\" {Text("-- end\r\n")})\r\n");

        var reply = await c.ReadUntilTaggedAsync("a");

        Assert.Equal($"a OK [APPENDUID {v} 2] APPEND completed", reply[^1]);
        var stored = await StoredAsync(user);
        Assert.Equal(head + "The source body.\r\n-- end\r\n", await BytesAsync(stored[1]));
    }

    [Fact]
    public async Task Absolute_url_header_section_and_whole_message_and_part_one()
    {
        var (user, c, v) = await WithSourceAsync();
        await using var _c = c;
        string me = Uri.EscapeDataString(user);
        await c.SendAsync($"a APPEND INBOX CATENATE (URL \"imap://{me}@localhost/INBOX;UIDVALIDITY={v}/;UID=1/;SECTION=HEADER\" {Text("Body\r\n")})\r\n");
        Assert.StartsWith("a OK", (await c.ReadUntilTaggedAsync("a"))[^1]);
        await c.SendAsync($"b APPEND INBOX CATENATE (URL \"/INBOX/;UID=1\")\r\n");
        Assert.StartsWith("b OK", (await c.ReadUntilTaggedAsync("b"))[^1]);
        await c.SendAsync($"d APPEND INBOX CATENATE ({Text("Subject: p\r\n\r\n")} URL \"/INBOX/;UID=1/;SECTION=1\")\r\n");
        Assert.StartsWith("d OK", (await c.ReadUntilTaggedAsync("d"))[^1]);

        var stored = await StoredAsync(user);
        Assert.Equal("Subject: source\r\nFrom: a@example.com\r\n\r\nBody\r\n", await BytesAsync(stored[1]));
        Assert.Equal(Source, await BytesAsync(stored[2]));
        Assert.Equal("Subject: p\r\n\r\nThe source body.\r\n", await BytesAsync(stored[3]));
    }

    [Fact]
    public async Task Synchronizing_and_literal8_text_parts()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        string head = "Subject: bin\r\n\r\n";
        await c.SendAsync($"a APPEND INBOX CATENATE (TEXT {{{head.Length}}}\r\n");
        Assert.Equal("+ Ready for literal", await c.ReadLineAsync());
        await c.SendAsync(Encoding.Latin1.GetBytes($"{head} TEXT ~{{3}}\r\n"));
        Assert.Equal("+ Ready for literal", await c.ReadLineAsync());
        await c.SendAsync(Encoding.Latin1.GetBytes("a\0b)\r\n"));

        Assert.StartsWith("a OK", (await c.ReadUntilTaggedAsync("a"))[^1]);
        Assert.Equal(head + "a\0b", await BytesAsync((await StoredAsync(user))[0]));
    }

    [Fact]
    public async Task Catenate_inside_multiappend_stores_all_in_order()
    {
        var (user, c, v) = await WithSourceAsync();
        await using var _c = c;
        string plain = "Subject: plain\r\n\r\nplain\r\n";
        await c.SendAsync($"a APPEND INBOX {{{plain.Length}+}}\r\n{plain} (\\Seen) CATENATE ({Text("Subject: cat\r\n\r\n")} URL \"/INBOX/;UID=1/;SECTION=TEXT\") {{{plain.Length}+}}\r\n{plain}\r\n");

        Assert.Equal($"a OK [APPENDUID {v} 2:4] APPEND completed", (await c.ReadUntilTaggedAsync("a"))[^1]);
        var stored = await StoredAsync(user);
        Assert.Equal(4, stored.Count);
        Assert.Equal("Subject: cat\r\n\r\nThe source body.\r\n", await BytesAsync(stored[2]));
        Assert.Equal(MessageFlags.Seen, stored[2].Flags);
        Assert.Equal(plain, await BytesAsync(stored[3]));
    }

    [Fact]
    public async Task Partial_url_takes_the_range_and_an_offset_past_the_end_takes_nothing()
    {
        var (user, c, v) = await WithSourceAsync();
        await using var _c = c;
        // RFC 5092 §6 ";PARTIAL=offset.length", cut as FETCH <offset.length>: "source" is bytes 9..14 of the message.
        await c.SendAsync($"a APPEND INBOX CATENATE ({Text("Subject: ")} URL \"/INBOX/;UID=1/;PARTIAL=9.6\" {Text("\r\n\r\nx\r\n")})\r\n");
        Assert.Equal($"a OK [APPENDUID {v} 2] APPEND completed", (await c.ReadUntilTaggedAsync("a"))[^1]);
        await c.SendAsync($"b APPEND INBOX CATENATE (URL \"/INBOX;UIDVALIDITY={v}/;UID=1/;SECTION=TEXT/;PARTIAL=4\" {Text("\r\n")})\r\n");
        Assert.Equal($"b OK [APPENDUID {v} 3] APPEND completed", (await c.ReadUntilTaggedAsync("b"))[^1]);
        await c.SendAsync($"d APPEND INBOX CATENATE (URL \"/INBOX/;UID=1/;PARTIAL=100000.1\" {Text("Subject: y\r\n\r\nbody\r\n")})\r\n");
        Assert.Equal($"d OK [APPENDUID {v} 4] APPEND completed", (await c.ReadUntilTaggedAsync("d"))[^1]);

        var stored = await StoredAsync(user);
        Assert.Equal("Subject: source\r\n\r\nx\r\n", await BytesAsync(stored[1]));
        Assert.Equal("source body.\r\n\r\n", await BytesAsync(stored[2]));
        Assert.Equal("Subject: y\r\n\r\nbody\r\n", await BytesAsync(stored[3]));
    }

    [Fact]
    public async Task Unresolvable_urls_are_badurl_and_store_nothing()
    {
        var (user, c, v) = await WithSourceAsync();
        await using var _c = c;
        string other = await fixture.NewUserAsync();
        string plain = "Subject: plain\r\n\r\nplain\r\n";
        string[] urls =
        [
            $"/INBOX;UIDVALIDITY={v + 1}/;UID=1",
            "/INBOX/;UID=9",
            "/Nope/;UID=1",
            $"imap://{Uri.EscapeDataString(other)}@localhost/INBOX/;UID=1",
            "/INBOX/;UID=1/;SECTION=7",
            "/INBOX/;UID=1/;PARTIAL=1.0",
            "/INBOX/;UID=1/;PARTIAL=x",
        ];
        foreach (string url in urls)
        {
            // MULTIAPPEND: the plain message before the bad CATENATE is not stored either.
            await c.SendAsync($"a APPEND INBOX {{{plain.Length}+}}\r\n{plain} CATENATE ({Text("Subject: x\r\n\r\n")} URL \"{url}\")\r\n");
            Assert.Equal($"a NO [BADURL \"{url}\"] Unresolvable URL", (await c.ReadUntilTaggedAsync("a"))[^1]);
        }
        Assert.Single(await StoredAsync(user));
    }

    [Fact]
    public async Task Parts_adding_up_above_the_appendlimit_are_toobig_and_store_nothing()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        // A 1.1 MB message; 40 URL parts naming it add up to 44 MB, above the 36,700,160-byte APPENDLIMIT.
        string big = "Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 98) + "\r\n", 11_000));
        await c.SendAsync($"s APPEND INBOX {{{big.Length}+}}\r\n{big}\r\n");
        Assert.StartsWith("s OK", (await c.ReadUntilTaggedAsync("s"))[^1]);
        var capability = await c.CommandAsync("c CAPABILITY", "c");
        Assert.Contains(" APPENDLIMIT=36700160", capability[0]);

        string parts = string.Join(" ", Enumerable.Repeat("URL \"/INBOX/;UID=1\"", 40));
        await c.SendAsync($"a APPEND INBOX CATENATE ({Text("Subject: too big\r\n\r\n")} {parts})\r\n");

        // RFC 4469 §6 / RFC 7889 §4: NO [TOOBIG]; nothing stored, the session goes on.
        Assert.Equal("a NO [TOOBIG] Message too large", (await c.ReadUntilTaggedAsync("a"))[^1]);
        Assert.Single(await StoredAsync(user));
        Assert.Equal(["n OK NOOP completed"], await c.CommandAsync("n NOOP", "n"));
    }

    [Fact]
    public async Task Syntax_errors_are_bad_and_the_connection_goes_on()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        await c.SendAsync("a APPEND INBOX CATENATE (TEXT {3+}\r\nabc BOGUS \"x\")\r\n");
        Assert.StartsWith("a BAD", (await c.ReadUntilTaggedAsync("a"))[^1]);
        await c.SendAsync("b APPEND INBOX CATENATE ()\r\n");
        Assert.StartsWith("b BAD", (await c.ReadUntilTaggedAsync("b"))[^1]);
        await c.SendAsync("d APPEND INBOX CATENATE (TEXT {3+}\r\nabc\r\n");
        Assert.StartsWith("d BAD", (await c.ReadUntilTaggedAsync("d"))[^1]);

        Assert.Equal("e OK NOOP completed", (await c.CommandAsync("e NOOP", "e"))[^1]);
        Assert.Empty(await StoredAsync(user));
    }
}
