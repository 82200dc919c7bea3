using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Mailboxes.Structure;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// FETCH ENVELOPE/BODYSTRUCTURE/BODY and SORT answered from the structure kept in the mailbox index: written back after a
/// message stored without one is first parsed, stored at APPEND, and enough once the blob is gone.
/// </summary>
[Collection(ImapCollection.Name)]
public class ImapStoredStructureTests(ImapServerFixture fixture)
{
    private const string Nested =
        "From: =?UTF-8?B?w4VzYQ==?= <asa@a.test>\r\nTo: team: d@d.test, e@e.test;\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n"
        + "Message-ID: <n1@a.test>\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n"
        + "--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n--alt\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--alt--\r\n--outer\r\n"
        + "Content-Type: message/rfc822\r\n\r\nFrom: carl@c.test\r\nSubject: inner\r\n\r\ninner body\r\n--outer\r\n"
        + "Content-Type: application/pdf; name=\"r 1.pdf\"\r\nContent-Disposition: attachment; filename=\"r 1.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--outer--\r\n";

    private const string Fetch = "FETCH 1:* (ENVELOPE BODYSTRUCTURE BODY)";

    private Task<IReadOnlyList<MessageRecord>> StoredAsync(string user) =>
        fixture.Server.Get<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None);

    /// <summary>The structure the index keeps for each message of the user's INBOX, in UID order (null where none is kept).</summary>
    private async Task<List<string?>> KeptAsync(string user)
    {
        var index = fixture.Server.Get<IMailboxIndex>();
        var uids = (await StoredAsync(user)).Select(m => m.Uid).ToList();
        var kept = await index.GetStructuresAsync(user, "INBOX", uids, CancellationToken.None);
        return uids.ConvertAll(uid => kept.SingleOrDefault(k => k.Uid == uid)?.Value);
    }

    private async Task<List<string>> FetchAsync(string user, string command)
    {
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        return await c.CommandAsync("f " + command, "f");
    }

    [Fact]
    public async Task A_message_stored_without_a_structure_gets_one_written_back_and_is_then_served_without_its_blob()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", Nested);
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("second", from: "Bob <bob@remote.test>"));
        Assert.Equal([null, null], await KeptAsync(user)); // as stored before structures were kept

        List<string> fromBlob = await FetchAsync(user, Fetch);
        List<string> sortedFromBlob = await FetchAsync(user, "UID SORT (FROM SUBJECT) UTF-8 ALL");

        var stored = await StoredAsync(user);
        Assert.All(await KeptAsync(user), value => Assert.NotNull(StoredStructure.TryRead(value)));
        Assert.All(await KeptAsync(user), value => Assert.NotNull(StoredStructure.TryReadCrlfSize(value))); // POP3's size too
        foreach (var m in stored) await fixture.Server.Get<IMessageBlobStore>().DeleteAsync(m.Blob.Id, CancellationToken.None);

        List<string> fromIndex = await FetchAsync(user, Fetch);
        Assert.Equal(fromBlob, fromIndex);
        Assert.Contains(fromIndex, l => l.Contains("(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\"", StringComparison.Ordinal));
        Assert.Equal(sortedFromBlob, await FetchAsync(user, "UID SORT (FROM SUBJECT) UTF-8 ALL"));
        Assert.Contains("* SORT 1 2", sortedFromBlob);
    }

    [Fact]
    public async Task The_message_header_read_by_the_bounds_the_index_keeps_is_the_one_read_by_parsing_the_blob()
    {
        string user = await fixture.NewUserAsync();
        string longHeader = "From: ann@a.test\r\n" + string.Concat(Enumerable.Range(1, 30).Select(i => $"Received: from hop{i}.a.test by hop{i + 1}.a.test\r\n"))
            + "Subject: late fields\r\nX-Late: at the end\r\n\r\nbody\r\n";
        foreach (string message in new[] { Nested, longHeader, "Subject: header only\r\nX-Late: no body", ImapTest.TextMessage("plain") })
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", message);
        const string headers = "FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT X-LATE)] RFC822.HEADER BODY.PEEK[HEADER]<10.40> BODY.PEEK[HEADER.FIELDS.NOT (RECEIVED FROM)])";

        List<string> fromBlob = await FetchAsync(user, headers); // no structure kept yet: parsed, then written back
        Assert.All(await KeptAsync(user), value => Assert.NotNull(StoredStructure.TryRead(value)));
        List<string> fromIndex = await FetchAsync(user, headers); // a new session: nothing cached but what the index keeps

        Assert.Equal(fromBlob, fromIndex);
        Assert.Contains("X-Late: at the end", fromIndex);
        Assert.Contains(fromIndex, l => l.StartsWith("X-Late: no body", StringComparison.Ordinal)); // no line end: the next item follows
        Assert.Equal(4, fromIndex.Count(l => l.Contains("RFC822.HEADER {", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task APPEND_stores_the_structure_with_the_message()
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        await c.SendAsync($"a APPEND INBOX {{{Nested.Length}}}\r\n");
        Assert.Equal("+ Ready for literal", await c.ReadLineAsync());
        await c.SendAsync(Nested + "\r\n");
        Assert.StartsWith("a OK", (await c.ReadUntilTaggedAsync("a"))[^1], StringComparison.Ordinal);

        string? kept = Assert.Single(await KeptAsync(user));
        MessageStructure? structure = StoredStructure.TryRead(kept);
        Assert.NotNull(structure);
        Assert.Equal(Nested.Length, StoredStructure.TryReadCrlfSize(kept));
        Assert.Equal(Nested.Length, structure.CrlfSize);
        Assert.Equal(["mixed", "alternative", "rfc822", "pdf"],
            new[] { structure.Message.Body.Subtype, structure.Message.Body.Children[0].Subtype, structure.Message.Body.Children[1].Subtype, structure.Message.Body.Children[2].Subtype });
    }
}
