using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Network;
using MailKit.Net.Pop3;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// The mailbox listings SELECT, STATUS and the POP3 maildrop share (<see cref="ViewListingCache"/>), against the real
/// server: a mailbox selected again shows exactly what another session changed meanwhile (new mail, flags, keywords,
/// expunges), whether the kept listing is given back as it is or brought up to date.
/// </summary>
[Collection(ImapCollection.Name)]
public class ImapListingCacheTests(ImapServerFixture fixture)
{
    private ViewListingCache Listings => fixture.Server.Services.GetRequiredService<ViewListingCache>();

    /// <summary>SELECT INBOX in a new session: the EXISTS count and "UID FLAGS" of every message, one line each.</summary>
    private async Task<(string Exists, List<string> Messages)> SelectAsync(string user)
    {
        await using var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
        var selected = await c.CommandAsync("s SELECT INBOX", "s");
        Assert.StartsWith("s OK", selected[^1], StringComparison.Ordinal);
        var fetched = await c.CommandAsync("f UID FETCH 1:* (FLAGS)", "f");
        return (selected.Single(l => l.EndsWith(" EXISTS", StringComparison.Ordinal)),
            [.. fetched.Where(l => l.StartsWith("* ", StringComparison.Ordinal)).Select(l => l[(l.IndexOf('(') + 1)..l.LastIndexOf(')')].Replace(" \\Recent", "").Replace("\\Recent", ""))]);
    }

    [Fact]
    public async Task A_mailbox_selected_again_shows_what_another_session_changed_meanwhile()
    {
        string user = await fixture.NewUserAsync();
        for (int i = 0; i < 12; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage($"m{i}"));
        var first = await SelectAsync(user);
        Assert.Equal("* 12 EXISTS", first.Exists);

        // Nothing changed: the kept listing as it is.
        int hits = Listings.Hits;
        var again = await SelectAsync(user);
        Assert.Equal(first.Exists, again.Exists);
        Assert.Equal(first.Messages, again.Messages);
        Assert.True(Listings.Hits > hits);

        // Another session flags, tags, deletes and expunges; new mail arrives.
        await using (var other = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password))
        {
            await other.CommandAsync("a SELECT INBOX", "a");
            await other.CommandAsync("b UID STORE 3,7 +FLAGS.SILENT (\\Flagged)", "b");
            await other.CommandAsync("c UID STORE 9 +FLAGS.SILENT ($Label1 \\Seen)", "c");
            await other.CommandAsync("d UID STORE 2,10 +FLAGS.SILENT (\\Deleted)", "d");
            await other.CommandAsync("e EXPUNGE", "e");
            await other.CommandAsync("f UID STORE 12 +FLAGS.SILENT (\\Deleted)", "f");
        }
        for (int i = 12; i < 15; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage($"m{i}"));

        int updates = Listings.Updates;
        var after = await SelectAsync(user);
        Assert.True(Listings.Updates > updates);
        Assert.Equal("* 13 EXISTS", after.Exists);
        Assert.Equal(
        [
            "UID 1 FLAGS ()", "UID 3 FLAGS (\\Flagged)", "UID 4 FLAGS ()", "UID 5 FLAGS ()", "UID 6 FLAGS ()",
            "UID 7 FLAGS (\\Flagged)", "UID 8 FLAGS ()", "UID 9 FLAGS (\\Seen $Label1)", "UID 11 FLAGS ()",
            "UID 12 FLAGS (\\Deleted)", "UID 13 FLAGS ()", "UID 14 FLAGS ()", "UID 15 FLAGS ()",
        ], after.Messages);

        // STATUS and POP3 take the same listing.
        await using (var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password))
        {
            var status = await c.CommandAsync("t STATUS INBOX (MESSAGES DELETED)", "t");
            Assert.Contains("* STATUS INBOX (MESSAGES 13 DELETED 1)", status);
        }
        using var pop3 = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
        await pop3.ConnectAsync("127.0.0.1", fixture.Server.Port(EndpointKind.Pop3s), SecureSocketOptions.SslOnConnect);
        await pop3.AuthenticateAsync(user, ImapServerFixture.Password);
        Assert.Equal(13, pop3.Count);
        await pop3.DisconnectAsync(true);
    }

    /// <summary>"UID u FLAGS (...)" with the flags sorted and without \\Recent, from FETCH responses of a selected mailbox.</summary>
    private static List<string> FlagLines(IEnumerable<string> fetched) =>
    [
        .. fetched.Where(l => l.StartsWith("* ", StringComparison.Ordinal) && l.Contains(" FETCH (", StringComparison.Ordinal)).Select(l =>
        {
            string inside = l[(l.IndexOf("UID ", StringComparison.Ordinal) + 4)..];
            string uid = inside[..inside.IndexOf(' ')];
            string flags = inside[(inside.IndexOf("FLAGS (", StringComparison.Ordinal) + 7)..];
            flags = flags[..flags.IndexOf(')')];
            return $"UID {uid} FLAGS ({string.Join(' ', flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(f => f != "\\Recent").Order(StringComparer.Ordinal))})";
        }).Order(StringComparer.Ordinal),
    ];

    /// <summary>What the index holds for the INBOX now, in the form of <see cref="FlagLines"/>.</summary>
    private async Task<List<string>> IndexLinesAsync(string user)
    {
        var records = await fixture.Server.Services.GetRequiredService<IMailboxIndex>().GetMessagesAsync(user, "INBOX", CancellationToken.None);
        (MessageFlags Flag, string Name)[] names =
            [(MessageFlags.Seen, "\\Seen"), (MessageFlags.Answered, "\\Answered"), (MessageFlags.Flagged, "\\Flagged"), (MessageFlags.Deleted, "\\Deleted"), (MessageFlags.Draft, "\\Draft")];
        return
        [
            .. records.Select(m => $"UID {m.Uid} FLAGS ({string.Join(' ', names.Where(n => m.Flags.HasFlag(n.Flag)).Select(n => n.Name).Concat(m.Keywords).Order(StringComparer.Ordinal))})")
                .Order(StringComparer.Ordinal),
        ];
    }

    [Fact]
    public async Task Sessions_selecting_while_another_changes_the_mailbox_all_end_with_what_the_index_holds()
    {
        // Sessions select at different moments of a run of appends, flag changes and expunges (each SELECT takes the kept
        // listing as it is, brought up to date, or anew), stay open, and after a NOOP each view is the index's content.
        string user = await fixture.NewUserAsync();
        for (int i = 0; i < 20; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage($"m{i}"));
        var random = new Random(28);
        var held = new List<RawImapClient>();
        try
        {
            await using var writer = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
            await writer.CommandAsync("w SELECT INBOX", "w");
            async Task ChangeAsync(int round)
            {
                switch (random.Next(4))
                {
                    case 0:
                        await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage($"n{round}"));
                        break;
                    case 1:
                        await writer.CommandAsync($"s{round} STORE {random.Next(1, 5)}:{random.Next(5, 9)} +FLAGS.SILENT (\\Seen $K{random.Next(3)})", $"s{round}");
                        break;
                    case 2:
                        await writer.CommandAsync($"s{round} STORE {random.Next(1, 9)} -FLAGS.SILENT (\\Seen $K0 $K1)", $"s{round}");
                        break;
                    default:
                        await writer.CommandAsync($"d{round} STORE {random.Next(1, 9)} +FLAGS.SILENT (\\Deleted)", $"d{round}");
                        await writer.CommandAsync($"e{round} EXPUNGE", $"e{round}");
                        break;
                }
            }
            for (int round = 0; round < 48; round++)
            {
                // Changes racing a SELECT in another session, every sixth round one kept open.
                var selecting = Task.Run(async () =>
                {
                    var c = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
                    await c.CommandAsync("a SELECT INBOX", "a");
                    return c;
                });
                await ChangeAsync(round);
                var client = await selecting;
                if (round % 6 == 5) held.Add(client);
                else await client.DisposeAsync();
            }
            var expected = await IndexLinesAsync(user);
            Assert.True(expected.Count > 10);
            foreach (var c in held)
            {
                await c.CommandAsync("n NOOP", "n");
                Assert.Equal(expected, FlagLines(await c.CommandAsync("f UID FETCH 1:* (FLAGS)", "f")));
            }
            await using var fresh = await RawImapClient.LoginAsync(fixture.Server, user, ImapServerFixture.Password);
            await fresh.CommandAsync("s SELECT INBOX", "s");
            Assert.Equal(expected, FlagLines(await fresh.CommandAsync("f UID FETCH 1:* (FLAGS)", "f")));
        }
        finally
        {
            foreach (var c in held) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task Listings_over_the_capacity_drop_the_least_recently_used_first()
    {
        // Three mailboxes of a few messages, each counting as the minimum weight, in a cache with room for two.
        string user = await fixture.NewUserAsync();
        var index = fixture.Server.Services.GetRequiredService<IMailboxIndex>();
        string[] names = ["INBOX", "Sent", "Drafts"];
        foreach (string name in names)
            await ImapTest.DeliverAsync(fixture.Server, user, name, ImapTest.TextMessage(name));
        var cache = new ViewListingCache(index, 2 * ViewListingCache.MinimumWeight);
        async Task<MailboxInfo> InfoAsync(string name) => (await index.GetMailboxAsync(user, name, CancellationToken.None))!;
        async Task ListAsync(string name) => Assert.Single(await cache.ListAsync(user, await InfoAsync(name), CancellationToken.None));

        await ListAsync("INBOX");
        await ListAsync("Sent");
        await ListAsync("INBOX"); // INBOX is now the most recently used
        Assert.Equal(2, cache.Listings);
        await ListAsync("Drafts"); // drops Sent
        Assert.Equal(2 * ViewListingCache.MinimumWeight, cache.Held);
        await ListAsync("INBOX");
        Assert.Equal(3, cache.Listings);
        await ListAsync("Sent");
        Assert.Equal(4, cache.Listings);
        Assert.Equal(2, cache.Hits);
    }
}
