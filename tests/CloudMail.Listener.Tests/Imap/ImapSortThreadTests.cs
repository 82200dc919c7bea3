using System.Globalization;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MimeKit;
using CloudMail.Listener.Imap;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// SORT and THREAD (RFC 5256) with DISPLAYFROM/DISPLAYTO (RFC 5957) against the real server, through MailKit, Python's
/// imaplib and raw commands. The mailbox (see <see cref="SeedAsync"/>) holds seven messages after an expunged first one,
/// so sequence number n is UID n + 1.
/// </summary>
[Collection(ImapCollection.Name)]
public class ImapSortThreadTests(ImapServerFixture fixture)
{
    /// <summary>
    /// Sent dates (UTC): 1 Jan 1 10:00, 2 Jan 2 08:00, 3 Jan 1 13:00, 4 none (internal date Jan 1 12:00), 5 Jan 3,
    /// 6 Jan 4 10:00, 7 Jan 4 09:00. Base subjects: 1 2 5 "Project plan", 3 4 "Budget" (3 RFC 2047-encoded "Fwd: Budget"),
    /// 6 7 "Lost thread".
    /// Threads: 1 &lt; 2 (References) &lt; 5 (In-Reply-To only); 6 and 7 reply to a message not in the mailbox.
    /// </summary>
    private static readonly string[] Messages =
    [
        Raw("\"Zoe Zimmer\" <zoe@remote.test>", "bob@example.test", "Project plan", "Mon, 01 Jan 2024 10:00:00 +0000", "p1", cc: "\"Someone\" <xavier@remote.test>"),
        Raw("alice@remote.test (Aardvark Alice)", "\"Yan Y\" <aaa@example.test>", "Re: [team] Project plan", "Tue, 02 Jan 2024 09:00:00 +0100", "p2", references: "<p1@t.test>"),
        Raw("=?UTF-8?B?w4lsb2RpZQ==?= <elodie@remote.test>", "carol@example.test", "=?UTF-8?B?RndkOiBCdWRnZXQ=?=", "Mon, 01 Jan 2024 08:00:00 -0500", "b1", cc: "dave@remote.test"),
        Raw("mallory@remote.test", "abe@example.test", "Budget", null, "b0"),
        Raw("\"Bob\" <bob@example.test>", "Zed <zed@example.test>", "RE: Project   plan", "Wed, 03 Jan 2024 10:00:00 +0000", "p3", inReplyTo: "<p2@t.test>"),
        Raw("\"Carl\" <CARL@remote.test>", null, "Re: Lost thread", "Thu, 04 Jan 2024 10:00:00 +0000", "l1", references: "<missing@t.test>"),
        Raw("\"Aaron Dana\" <dana@remote.test>", "undisclosed-recipients:;", "Re: Lost thread (fwd)", "Thu, 04 Jan 2024 09:00:00 +0000", "l2", references: "<missing@t.test>"),
    ];

    private static string Raw(string from, string? to, string subject, string? date, string id, string? cc = null, string? references = null, string? inReplyTo = null)
    {
        var b = new StringBuilder();
        b.Append("From: ").Append(from).Append("\r\n");
        if (to is not null) b.Append("To: ").Append(to).Append("\r\n");
        if (cc is not null) b.Append("Cc: ").Append(cc).Append("\r\n");
        b.Append("Subject: ").Append(subject).Append("\r\n");
        if (date is not null) b.Append("Date: ").Append(date).Append("\r\n");
        b.Append("Message-ID: <").Append(id).Append("@t.test>\r\n");
        if (references is not null) b.Append("References: ").Append(references).Append("\r\n");
        if (inReplyTo is not null) b.Append("In-Reply-To: ").Append(inReplyTo).Append("\r\n");
        return b.Append("MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n").Append('x', id.Length * 7 % 11).Append("\r\n").ToString();
    }

    /// <summary>Internal dates: message 4's is its sent date (no Date header); the others arrive in reverse order in February.</summary>
    private static DateTimeOffset InternalDate(int seq) => seq == 4
        ? new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero)
        : new DateTimeOffset(2024, 2, 10 - seq, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A new user whose INBOX holds <see cref="Messages"/> as sequence numbers 1-7, UIDs 2-8.</summary>
    private async Task<string> SeedAsync()
    {
        string user = await fixture.NewUserAsync();
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("expunged"));
        for (int i = 0; i < Messages.Length; i++)
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", Messages[i], internalDate: InternalDate(i + 1));
        using var client = await fixture.ConnectAsync(user);
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        await client.Inbox.AddFlagsAsync(0, MessageFlags.Deleted, silent: true);
        await client.Inbox.ExpungeAsync();
        await client.DisconnectAsync(true);
        return user;
    }

    private async Task<ImapClient> OpenAsync(string user)
    {
        var client = await fixture.ConnectAsync(user);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        return client;
    }

    /// <summary>UIDs as sequence numbers of <see cref="Messages"/> (UID n + 1 is message n).</summary>
    private static string Seqs(IEnumerable<UniqueId> uids) => string.Join(' ', uids.Select(u => u.Id - 1));

    /// <summary>A MailKit thread tree as "seq{children}", "dummy" for a missing parent.</summary>
    private static string Tree(IEnumerable<MessageThread> threads) => string.Join(' ', threads.Select(t =>
        (t.UniqueId is { } uid ? (uid.Id - 1).ToString(CultureInfo.InvariantCulture) : "dummy")
        + (t.Children.Count > 0 ? "{" + Tree(t.Children) + "}" : "")));

    [Fact]
    public async Task Capability_advertises_sort_display_esort_and_both_thread_algorithms()
    {
        string user = await fixture.NewUserAsync();
        using var client = await fixture.ConnectAsync(user);

        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Sort));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.SortDisplay));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.ESort));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Thread));
        Assert.Equal([ThreadingAlgorithm.OrderedSubject, ThreadingAlgorithm.References], client.ThreadingAlgorithms.Order());
    }

    [Theory]
    [InlineData("Arrival", "4 7 6 5 3 2 1")]
    [InlineData("Date", "1 4 3 2 5 7 6")] // message 4 has no Date: its internal date stands in (RFC 5256 §2.2)
    [InlineData("ReverseDate", "6 7 5 2 3 4 1")]
    [InlineData("Subject", "3 4 6 7 1 2 5")] // base subjects, equal ones in mailbox order
    [InlineData("From", "2 5 6 7 3 4 1")] // local parts: alice bob CARL dana elodie mallory zoe
    [InlineData("DisplayFrom", "2 7 5 6 4 1 3")] // "Aardvark Alice" (a comment), "Aaron Dana", Bob, Carl, mallory@remote.test, Zoe Zimmer, Élodie
    [InlineData("To", "6 2 4 1 3 7 5")] // none, aaa, abe, bob, carol, the group's name, zed
    [InlineData("DisplayTo", "6 4 1 3 7 2 5")] // none, then addresses without names, the group, "Yan Y", Zed
    [InlineData("Cc", "2 4 5 6 7 3 1")] // no Cc first, then dave, xavier
    [InlineData("ReverseCc", "1 3 2 4 5 6 7")] // REVERSE leaves the sequence-number tie-break ascending
    public async Task Sort_by_one_key_orders_by_the_parsed_header_values(string key, string expected)
    {
        string user = await SeedAsync();
        using var client = await OpenAsync(user);

        var order = key.StartsWith("Reverse", StringComparison.Ordinal)
            ? new OrderBy(Enum.Parse<OrderByType>(key["Reverse".Length..]), SortOrder.Descending)
            : new OrderBy(Enum.Parse<OrderByType>(key), SortOrder.Ascending);
        var uids = await client.Inbox.SortAsync(SearchQuery.All, [order]);

        Assert.Equal(expected, Seqs(uids));
    }

    [Fact]
    public async Task Sorting_and_threading_again_in_another_session_answer_the_same_and_still_read_the_headers_a_key_needs()
    {
        // The first session's SORT and THREAD leave the messages' values in the process's cache; the second session's
        // answers come from it, and a search key on a header field is still evaluated on the header.
        string user = await SeedAsync();
        string firstSort, firstThreads;
        using (var first = await OpenAsync(user))
        {
            firstSort = Seqs(await first.Inbox.SortAsync(SearchQuery.All, [OrderBy.Subject, OrderBy.ReverseDate]));
            firstThreads = Tree(await first.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.All));
        }
        using var second = await OpenAsync(user);

        Assert.Equal("3 4 6 7 5 2 1", firstSort);
        Assert.Equal(firstSort, Seqs(await second.Inbox.SortAsync(SearchQuery.All, [OrderBy.Subject, OrderBy.ReverseDate])));
        Assert.Equal(firstThreads, Tree(await second.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.All)));
        // SENTON reads the Date field (the full-text index does not decide it): 1, 3 and 4 (no Date: its internal date).
        Assert.Equal("1 4 3", Seqs(await second.Inbox.SortAsync(SearchQuery.SentOn(new DateTime(2024, 1, 1)), [OrderBy.Date])));
    }

    [Fact]
    public async Task A_sort_again_over_the_same_messages_takes_the_kept_order_and_other_messages_are_sorted_anew()
    {
        // A webmail client's pattern: the same SORT for every page, over a new connection each time, and searches narrowing it.
        string user = await SeedAsync();
        var orders = fixture.Server.Services.GetRequiredService<ImapServices>().SortOrders;
        OrderBy[] bySubject = [OrderBy.Subject, OrderBy.Date];
        using (var first = await OpenAsync(user))
            Assert.Equal("4 3 7 6 1 2 5", Seqs(await first.Inbox.SortAsync(SearchQuery.All, bySubject)));
        int hits = orders.Hits;
        using var second = await OpenAsync(user);

        Assert.Equal("4 3 7 6 1 2 5", Seqs(await second.Inbox.SortAsync(SearchQuery.All, bySubject)));
        Assert.Equal("1 2 5", Seqs(await second.Inbox.SortAsync(SearchQuery.SubjectContains("plan"), bySubject)));
        Assert.Equal("4 3 6 5", Seqs(await second.Inbox.SortAsync(SearchQuery.Uids([new UniqueId(4), new UniqueId(5), new UniqueId(6), new UniqueId(7)]), bySubject)));
        Assert.Equal(hits + 3, orders.Hits);
        // Other criteria are another order: REVERSE is not the kept one read backwards (equal subjects stay in date order).
        Assert.Equal("1 2 5 7 6 4 3", Seqs(await second.Inbox.SortAsync(SearchQuery.All, [new OrderBy(OrderByType.Subject, SortOrder.Descending), OrderBy.Date])));

        // A new message (UID 9, "Aardvark" sorts first) and an expunged one (message 1) make other messages: sorted anew.
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("Aardvark"));
        await second.NoOpAsync();
        hits = orders.Hits;
        Assert.Equal("8 4 3 7 6 1 2 5", Seqs(await second.Inbox.SortAsync(SearchQuery.All, bySubject)));
        using (var writer = await fixture.ConnectAsync(user))
        {
            await writer.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await writer.Inbox.AddFlagsAsync(new UniqueId(2), MessageFlags.Deleted, silent: true);
            await writer.Inbox.ExpungeAsync();
        }
        await second.NoOpAsync();
        Assert.Equal("8 4 3 7 6 2 5", Seqs(await second.Inbox.SortAsync(SearchQuery.All, bySubject)));
        Assert.Equal(hits, orders.Hits);
        Assert.Equal("8 4 3 7 6 2 5", Seqs(await second.Inbox.SortAsync(SearchQuery.All, bySubject)));
        Assert.Equal(hits + 1, orders.Hits);
        // By sequence number (UIDs 3-9 are now 1-7), in full and narrowed, from the kept order.
        await using var raw = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await raw.CommandAsync("e EXAMINE INBOX", "e");
        Assert.Contains("* SORT 7 3 2 6 5 1 4", await raw.CommandAsync("s1 SORT (SUBJECT DATE) UTF-8 ALL", "s1"));
        Assert.Contains("* SORT 3 2 5 4", await raw.CommandAsync("s2 SORT (SUBJECT DATE) UTF-8 UID 4:7", "s2"));
        Assert.Equal(hits + 3, orders.Hits);
    }

    [Fact]
    public async Task Display_sort_uses_the_name_the_envelope_shows_a_comment_after_a_bare_address_included()
    {
        string user = await SeedAsync();
        using var client = await OpenAsync(user);

        var envelopes = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope);

        // RFC 5957 §3 sorts on the address structure's name: for "alice@remote.test (Aardvark Alice)" it is the comment.
        Assert.Equal("Aardvark Alice", envelopes[1].Envelope!.From.Mailboxes.Single().Name);
        Assert.Equal("Élodie", envelopes[2].Envelope!.From.Mailboxes.Single().Name);
        Assert.Equal(
            string.Join(' ', envelopes.OrderBy(e => DisplayValue(e.Envelope!.From), StringComparer.OrdinalIgnoreCase).Select(e => e.Index + 1)),
            Seqs(await client.Inbox.SortAsync(SearchQuery.All, [OrderBy.DisplayFrom])));
    }

    /// <summary>RFC 5957 §3 from the client's side: the first mailbox's name, else its address.</summary>
    private static string DisplayValue(InternetAddressList list) =>
        list.Mailboxes.FirstOrDefault() is { } m ? (string.IsNullOrEmpty(m.Name) ? m.Address : m.Name) : "";

    [Fact]
    public async Task Sort_by_several_keys_and_size_with_search_criteria()
    {
        string user = await SeedAsync();
        using var client = await OpenAsync(user);

        Assert.Equal("4 3 7 6 1 2 5", Seqs(await client.Inbox.SortAsync(SearchQuery.All, [OrderBy.Subject, OrderBy.Date])));
        Assert.Equal("5 2 1", Seqs(await client.Inbox.SortAsync(SearchQuery.SubjectContains("plan"), [OrderBy.ReverseDate])));
        // A non-ASCII search string makes MailKit send CHARSET UTF-8 with a literal.
        Assert.Equal("3", Seqs(await client.Inbox.SortAsync(SearchQuery.FromContains("Élodie"), [OrderBy.Date])));
        var bySize = Enumerable.Range(1, Messages.Length).OrderBy(i => Encoding.UTF8.GetByteCount(Messages[i - 1])).ThenBy(i => i);
        Assert.Equal(string.Join(' ', bySize), Seqs(await client.Inbox.SortAsync(SearchQuery.All, [OrderBy.Size])));
    }

    [Fact]
    public async Task Extended_sort_returns_min_max_count_and_all_in_sort_order()
    {
        string user = await SeedAsync();
        using var client = await OpenAsync(user);

        var results = await client.Inbox.SortAsync(SearchOptions.All | SearchOptions.Min | SearchOptions.Max | SearchOptions.Count, SearchQuery.All, [OrderBy.Date]);

        Assert.Equal("1 4 3 2 5 7 6", Seqs(results.UniqueIds));
        Assert.Equal(7, results.Count);
        Assert.Equal(1u, results.Min!.Value.Id - 1); // first in sort order (RFC 5267 §3.1), not the lowest UID
        Assert.Equal(6u, results.Max!.Value.Id - 1);
    }

    [Fact]
    public async Task A_kept_order_takes_in_new_mail_and_expunges_as_sorting_anew_would()
    {
        // Messages with few distinct subjects, senders and dates (ties everywhere), some without a Date field.
        string user = await fixture.NewUserAsync();
        var random = new Random(27);
        string[] subjects = ["alpha", "Re: alpha", "Beta", "gamma", "Fwd: beta"];
        string[] senders = ["a@remote.test", "B@remote.test", "c@remote.test"];
        string Next(int i) => Raw(senders[random.Next(senders.Length)], "bob@example.test", subjects[random.Next(subjects.Length)],
            random.Next(4) == 0 ? null : $"Mon, 0{1 + random.Next(3)} Jan 2024 10:00:00 +0000", $"m{i}") + new string('x', random.Next(30));
        for (int i = 0; i < 40; i++)
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", Next(i), internalDate: new DateTimeOffset(2024, 2, 1 + random.Next(3), 0, 0, 0, TimeSpan.Zero));
        var orders = fixture.Server.Services.GetRequiredService<ImapServices>().SortOrders;
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await c.CommandAsync("s SELECT INBOX", "s");
        string[] criteria = ["SUBJECT DATE", "REVERSE DATE", "FROM REVERSE SIZE", "REVERSE ARRIVAL", "DISPLAYFROM SUBJECT"];
        async Task<string> SortAsync(string by, string search = "ALL") =>
            (await c.CommandAsync($"t UID SORT ({by}) UTF-8 {search}", "t")).Single(l => l.StartsWith("* SORT", StringComparison.Ordinal));
        foreach (string by in criteria) await SortAsync(by);

        // Three new messages, two expunged: each kept order is brought up to date, not sorted anew.
        for (int i = 40; i < 43; i++)
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", Next(i), internalDate: new DateTimeOffset(2024, 2, 1 + random.Next(3), 0, 0, 0, TimeSpan.Zero));
        await c.CommandAsync("f UID STORE 5,17 +FLAGS.SILENT (\\Deleted)", "f");
        await c.CommandAsync("x EXPUNGE", "x");
        int updates = orders.Updates;

        foreach (string by in criteria)
        {
            // A criterion named twice sorts alike and is kept under another name: sorted anew, for comparison.
            string last = by.Split(' ')[^1];
            string again = await SortAsync(by + " " + last);
            Assert.Equal(again, await SortAsync(by));
            Assert.Equal(again, await SortAsync(by));
        }
        Assert.Equal(updates + criteria.Length, orders.Updates);
        // A narrower search over an updated order.
        Assert.Equal(await SortAsync("SUBJECT DATE SUBJECT", "FROM b@remote.test"), await SortAsync("SUBJECT DATE", "FROM b@remote.test"));
    }

    [Fact]
    public async Task Threads_of_all_messages_are_kept_for_the_same_command_over_the_same_messages()
    {
        string user = await SeedAsync();
        var threads = fixture.Server.Services.GetRequiredService<ImapServices>().Threads;
        using (var first = await OpenAsync(user))
            Assert.Equal("1{2{5}} 4{3} dummy{7 6}", Tree(await first.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.All)));
        int hits = threads.Hits;
        using var second = await OpenAsync(user);
        await using var raw = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        await raw.CommandAsync("e EXAMINE INBOX", "e");

        Assert.Equal("1{2{5}} 4{3} dummy{7 6}", Tree(await second.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.All)));
        Assert.Equal(hits + 1, threads.Hits);
        // Not kept for: some of the messages, the other algorithm, sequence numbers instead of UIDs (1 is UID 2).
        Assert.Equal("1{2{5}}", Tree(await second.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.SubjectContains("plan"))));
        Assert.Equal("1{2 5} 4{3} 7{6}", Tree(await second.Inbox.ThreadAsync(ThreadingAlgorithm.OrderedSubject, SearchQuery.All)));
        Assert.Contains("* THREAD (1 2 5)(4 3)((7)(6))", await raw.CommandAsync("t1 THREAD REFERENCES UTF-8 ALL", "t1"));
        Assert.Contains("* THREAD (2 3 6)(5 4)((8)(7))", await raw.CommandAsync("t2 UID THREAD REFERENCES UTF-8 ALL", "t2"));
        Assert.Equal(hits + 2, threads.Hits);
        // UNDELETED (a webmail client hiding deleted mail) matches every message while none is deleted: the kept threads.
        Assert.Equal("1{2{5}} 4{3} dummy{7 6}", Tree(await second.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.NotDeleted)));
        Assert.Equal(hits + 3, threads.Hits);
        using (var writer = await fixture.ConnectAsync(user))
        {
            await writer.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await writer.Inbox.AddFlagsAsync(new UniqueId(3), MessageFlags.Deleted, silent: true);
        }
        await second.NoOpAsync();
        // Once message 2 is deleted it matches only the others; ALL still matches the same messages as the kept threads.
        Assert.Equal("1{5} 4{3} dummy{7 6}", Tree(await second.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.NotDeleted)));
        Assert.Equal(hits + 3, threads.Hits);
        Assert.Equal("1{2{5}} 4{3} dummy{7 6}", Tree(await second.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.All)));
        Assert.Equal(hits + 4, threads.Hits);
        hits = threads.Hits;

        // A new reply in the lost thread (UID 9): threaded anew.
        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", Raw("carl@remote.test", null, "Re: Lost thread", "Fri, 05 Jan 2024 10:00:00 +0000", "l3", references: "<missing@t.test> <l1@t.test>"));
        await second.NoOpAsync();
        Assert.Equal("1{2{5}} 4{3} dummy{7 6{8}}", Tree(await second.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.All)));
        Assert.Equal(hits, threads.Hits);
    }

    [Fact]
    public async Task Thread_references_links_replies_merges_by_subject_and_keeps_a_missing_parent_as_a_dummy()
    {
        string user = await SeedAsync();
        using var client = await OpenAsync(user);

        var threads = await client.Inbox.ThreadAsync(ThreadingAlgorithm.References, SearchQuery.All);

        // 1 < 2 < 5 by References/In-Reply-To; the forward 3 goes under 4 by subject; 7 before 6 by sent date.
        Assert.Equal("1{2{5}} 4{3} dummy{7 6}", Tree(threads));
    }

    [Fact]
    public async Task Thread_orderedsubject_groups_by_base_subject_in_sent_date_order()
    {
        string user = await SeedAsync();
        using var client = await OpenAsync(user);

        var threads = await client.Inbox.ThreadAsync(ThreadingAlgorithm.OrderedSubject, SearchQuery.Not(SearchQuery.SubjectContains("budget")));

        Assert.Equal("1{2 5} 7{6}", Tree(threads));
    }

    private const string Script = """
        import imaplib, ssl, sys
        host, port, user, pw = sys.argv[1:5]
        M = imaplib.IMAP4_SSL(host, int(port), ssl_context=ssl._create_unverified_context())
        M.login(user, pw)
        M.select('INBOX', readonly=True)
        def show(label, r):
            print(label + '|' + r[0] + '|' + (r[1][0] or b'').decode())
        show('sort-date', M.sort('(DATE)', 'UTF-8', 'ALL'))
        show('sort-reverse-subject', M.sort('(REVERSE SUBJECT DATE)', 'US-ASCII', 'ALL'))
        show('sort-displayfrom', M.sort('(DISPLAYFROM)', 'UTF-8', 'NOT', 'FROM', 'zoe'))
        show('uid-sort-arrival', M.uid('SORT', '(ARRIVAL)', 'UTF-8', 'ALL'))
        show('sort-none', M.sort('(DATE)', 'UTF-8', 'SUBJECT', 'nothing-like-this'))
        show('thread-references', M.thread('REFERENCES', 'UTF-8', 'ALL'))
        show('thread-orderedsubject', M.thread('ORDEREDSUBJECT', 'UTF-8', 'ALL'))
        show('uid-thread-references', M.uid('THREAD', 'REFERENCES', 'UTF-8', 'SINCE', '1-Jan-2020'))
        show('thread-none', M.thread('REFERENCES', 'UTF-8', 'SUBJECT', 'nothing-like-this'))
        show('badcharset', M.sort('(DATE)', 'ISO-8859-1', 'ALL'))
        try:
            M.thread('X-UNKNOWN', 'UTF-8', 'ALL')
        except imaplib.IMAP4.error as e:
            print('badalgorithm|' + str(e))
        M.logout()
        """;

    [Fact]
    public async Task Imaplib_sorts_and_threads_by_sequence_number_and_uid()
    {
        string user = await SeedAsync();

        string output = await ImapTest.PythonAsync(Script, "127.0.0.1",
            fixture.Server.Port(CloudMail.Listener.Network.EndpointKind.Imaps).ToString(CultureInfo.InvariantCulture), user, ImapServerFixture.Password);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("sort-date|OK|1 4 3 2 5 7 6", lines);
        Assert.Contains("sort-reverse-subject|OK|1 2 5 7 6 4 3", lines);
        Assert.Contains("sort-displayfrom|OK|2 7 5 6 4 3", lines);
        Assert.Contains("uid-sort-arrival|OK|5 8 7 6 4 3 2", lines);
        Assert.Contains("sort-none|OK|", lines);
        Assert.Contains("thread-references|OK|(1 2 5)(4 3)((7)(6))", lines);
        Assert.Contains("thread-orderedsubject|OK|(1 (2)(5))(4 3)(7 6)", lines);
        Assert.Contains("uid-thread-references|OK|(2 3 6)(5 4)((8)(7))", lines);
        Assert.Contains("thread-none|OK|", lines);
        Assert.Contains("badcharset|NO|[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset", lines);
        Assert.Contains(lines, l => l.StartsWith("badalgorithm|", StringComparison.Ordinal) && l.Contains("BAD", StringComparison.Ordinal) && l.Contains("X-UNKNOWN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sort_with_a_modseq_key_or_return_options_and_both_need_a_selected_mailbox()
    {
        string user = await SeedAsync();
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);

        Assert.StartsWith("s0 BAD", (await c.CommandAsync("s0 SORT (DATE) UTF-8 ALL", "s0"))[^1]);
        Assert.StartsWith("t0 BAD", (await c.CommandAsync("t0 THREAD REFERENCES UTF-8 ALL", "t0"))[^1]);
        await c.CommandAsync("e EXAMINE INBOX", "e");
        var fetched = await c.CommandAsync("f FETCH 1:* (MODSEQ)", "f");
        ulong highest = fetched.Where(l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains("MODSEQ (", StringComparison.Ordinal))
            .Max(l => ulong.Parse(l[(l.IndexOf("MODSEQ (", StringComparison.Ordinal) + 8)..l.IndexOf(')', l.IndexOf("MODSEQ (", StringComparison.Ordinal))], CultureInfo.InvariantCulture));

        var sorted = await c.CommandAsync("s1 SORT (REVERSE ARRIVAL) UTF-8 MODSEQ 1", "s1");

        Assert.Contains($"* SORT 1 2 3 5 6 7 4 (MODSEQ {highest})", sorted);
        Assert.StartsWith("s1 OK", sorted[^1]);

        // ESORT: ALL keeps sort order, ranges only over ascending runs (RFC 5267 §3.2); SAVE keeps the matches for "$".
        Assert.Contains("* ESEARCH (TAG \"s2\") MIN 1 MAX 4 COUNT 7 ALL 1:3,5:7,4", await c.CommandAsync("s2 SORT RETURN (MIN MAX COUNT ALL) (REVERSE ARRIVAL) UTF-8 ALL", "s2"));
        Assert.Contains("* ESEARCH (TAG \"s3\") UID ALL 6,3,2", await c.CommandAsync("s3 UID SORT RETURN () (REVERSE DATE) UTF-8 SUBJECT plan", "s3"));
        Assert.StartsWith("s4 OK", (await c.CommandAsync("s4 SORT RETURN (SAVE) (DATE) UTF-8 FROM remote.test", "s4"))[^1]);
        Assert.Contains("* SEARCH 1 2 3 4 6 7", await c.CommandAsync("s5 SEARCH $", "s5"));
    }
}
