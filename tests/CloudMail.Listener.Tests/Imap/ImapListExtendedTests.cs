using System.Globalization;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Network;
using MailKit;
using MailKit.Net.Imap;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>LIST-EXTENDED (RFC 5258) and CREATE-SPECIAL-USE (RFC 6154 §3) against the real server.</summary>
[Collection(ImapCollection.Name)]
public class ImapListExtendedTests(ImapServerFixture fixture)
{
    /// <summary>
    /// A logged-in raw client for a user with Fruit/Apple, Fruit/Banana, Tofu and Projects/Old (an \Archive) besides the
    /// defaults (CREATE makes Fruit and Projects too); subscribed only to INBOX, Fruit/Banana, Tofu, Gone (created,
    /// subscribed, then deleted) and Veg/Carrot (never a mailbox).
    /// </summary>
    private async Task<RawImapClient> SetUpAsync()
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        foreach (string command in new[]
        {
            "CREATE Fruit/Apple", "CREATE Fruit/Banana", "CREATE Tofu", "CREATE Gone", "CREATE Projects/Old (USE (\\Archive))",
            "SUBSCRIBE INBOX", "SUBSCRIBE Fruit/Banana", "SUBSCRIBE Tofu", "SUBSCRIBE Gone", "DELETE Gone", "SUBSCRIBE Veg/Carrot",
            "UNSUBSCRIBE Sent", "UNSUBSCRIBE Drafts", "UNSUBSCRIBE Trash", "UNSUBSCRIBE Junk",
        })
        {
            Assert.StartsWith("s OK", (await c.CommandAsync("s " + command, "s"))[^1]);
        }
        return c;
    }

    [Fact]
    public async Task Both_extensions_are_advertised()
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        string caps = (await c.CommandAsync("k CAPABILITY", "k"))[0];
        Assert.Contains(" LIST-EXTENDED", caps);
        Assert.Contains(" CREATE-SPECIAL-USE", caps);
    }

    [Fact]
    public async Task Subscribed_selection_lists_subscribed_names_and_marks_deleted_ones_nonexistent()
    {
        await using var c = await SetUpAsync();

        var lines = await c.CommandAsync("l LIST (SUBSCRIBED) \"\" \"*\"", "l");

        Assert.Equal(
        [
            "* LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX",
            "* LIST (\\HasNoChildren \\Subscribed) \"/\" Fruit/Banana",
            "* LIST (\\NonExistent \\Subscribed) \"/\" Gone",
            "* LIST (\\HasNoChildren \\Subscribed) \"/\" Tofu",
            "* LIST (\\NonExistent \\Subscribed) \"/\" Veg/Carrot",
            "l OK LIST completed",
        ], lines);
    }

    [Fact]
    public async Task Recursivematch_returns_parents_of_subscribed_names_with_childinfo()
    {
        await using var c = await SetUpAsync();

        var lines = await c.CommandAsync("l LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\" RETURN (CHILDREN)", "l");

        Assert.Equal(
        [
            "* LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX",
            "* LIST (\\HasChildren) \"/\" Fruit (\"CHILDINFO\" (\"SUBSCRIBED\"))",
            "* LIST (\\NonExistent \\Subscribed) \"/\" Gone",
            "* LIST (\\HasNoChildren \\Subscribed) \"/\" Tofu",
            "* LIST (\\NonExistent) \"/\" Veg (\"CHILDINFO\" (\"SUBSCRIBED\"))",
            "l OK LIST completed",
        ], lines);
        // Without RECURSIVEMATCH, Fruit is neither subscribed nor listed.
        Assert.DoesNotContain(await c.CommandAsync("m LIST (SUBSCRIBED) \"\" \"%\"", "m"), l => l.Contains(" Fruit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Special_use_selection_with_recursivematch_reaches_a_created_archive()
    {
        await using var c = await SetUpAsync();

        var lines = await c.CommandAsync("l LIST (SPECIAL-USE RECURSIVEMATCH) \"\" \"%\"", "l");

        Assert.Equal(
        [
            "* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts",
            "* LIST (\\HasNoChildren \\Junk) \"/\" Junk",
            "* LIST (\\HasChildren) \"/\" Projects (\"CHILDINFO\" (\"SPECIAL-USE\"))",
            "* LIST (\\HasNoChildren \\Sent) \"/\" Sent",
            "* LIST (\\HasNoChildren \\Trash) \"/\" Trash",
            "l OK LIST completed",
        ], lines);
        Assert.Contains("* LIST (\\HasNoChildren \\Archive) \"/\" Projects/Old", await c.CommandAsync("n LIST \"\" \"*\"", "n"));
    }

    [Fact]
    public async Task Return_subscribed_marks_names_without_changing_the_selection_and_remote_changes_nothing()
    {
        await using var c = await SetUpAsync();

        var marked = await c.CommandAsync("l LIST \"\" \"*\" RETURN (SUBSCRIBED CHILDREN SPECIAL-USE)", "l");
        var remote = await c.CommandAsync("r LIST (REMOTE) \"\" \"*\"", "r");
        var plain = await c.CommandAsync("p LIST \"\" \"*\"", "p");

        Assert.Contains("* LIST (\\HasNoChildren \\Subscribed) \"/\" Tofu", marked);
        Assert.Contains("* LIST (\\HasNoChildren) \"/\" Fruit/Apple", marked);
        Assert.Contains("* LIST (\\HasChildren) \"/\" Fruit", marked);
        Assert.DoesNotContain(marked, l => l.Contains(" Gone", StringComparison.Ordinal));
        Assert.Equal(plain.Count, marked.Count);
        Assert.Equal(plain.SkipLast(1), remote.SkipLast(1));
    }

    [Fact]
    public async Task Bad_options_are_refused_with_bad()
    {
        await using var c = await SetUpAsync();
        Assert.StartsWith("a BAD", (await c.CommandAsync("a LIST (RECURSIVEMATCH) \"\" \"*\"", "a"))[^1]);
        Assert.StartsWith("b BAD", (await c.CommandAsync("b LIST (FANCY) \"\" \"*\"", "b"))[^1]);
        Assert.StartsWith("c BAD", (await c.CommandAsync("c LIST \"\" \"*\" RETURN (FANCY)", "c"))[^1]);
    }

    [Theory]
    [InlineData("(USE (\\All))", "Special use \\All is not supported")]
    [InlineData("(USE (\\Important))", "Special use \\Important is not supported")]
    [InlineData("(USE (\\Sent \\Archive))", "One special use per mailbox")]
    public async Task Create_with_a_use_the_server_cannot_give_is_refused_with_useattr_and_creates_nothing(string parameters, string text)
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;

        Assert.Equal([$"c NO [USEATTR] {text}"], await c.CommandAsync("c CREATE Special " + parameters, "c"));

        Assert.Null(await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "Special", CancellationToken.None));
    }

    /// <summary>imaplib sends what it is given; the untagged LIST lines come back as they are.</summary>
    private const string Script = """
        import imaplib, ssl, sys
        host, port, user, pw = sys.argv[1:5]
        M = imaplib.IMAP4_SSL(host, int(port), ssl_context=ssl._create_unverified_context())
        M.login(user, pw)
        print('caps', ' '.join(sorted(M.capabilities)))
        typ, data = M._simple_command('CREATE', 'Archive2024', '(USE (\\Archive))')
        print('create', typ)
        typ, data = M._simple_command('CREATE', 'Everything', '(USE (\\All))')
        print('all', typ, data[0].decode())
        M.subscribe('Archive2024')
        M.subscribe('Ghost')
        typ, data = M._simple_command('LIST', '(SUBSCRIBED)', '""', '*', 'RETURN', '(SPECIAL-USE STATUS (MESSAGES))')
        typ, data = M._untagged_response(typ, data, 'LIST')
        for line in data: print('list', line.decode())
        typ, data = M.list('""', 'Archive2024')
        print('plain', data[0].decode())
        M.logout()
        """;

    [Fact]
    public async Task Imaplib_creates_an_archive_and_lists_subscriptions_with_their_attributes()
    {
        string user = await fixture.NewUserAsync();
        int port = fixture.Server.Port(EndpointKind.Imaps);

        var lines = await ImapTest.PythonLinesAsync(Script, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), user, ImapServerFixture.Password);

        Assert.Contains(lines, l => l.StartsWith("caps", StringComparison.Ordinal) && l.Contains(" CREATE-SPECIAL-USE ", StringComparison.Ordinal) && l.Contains(" LIST-EXTENDED ", StringComparison.Ordinal));
        Assert.Contains("create OK", lines);
        Assert.Contains("all NO [USEATTR] Special use \\All is not supported", lines);
        Assert.Contains("list (\\HasNoChildren \\Archive \\Subscribed) \"/\" Archive2024", lines);
        Assert.Contains("list (\\NonExistent \\Subscribed) \"/\" Ghost", lines);
        Assert.Contains("plain (\\HasNoChildren \\Archive) \"/\" Archive2024", lines);
        var box = await fixture.Server.Get<IMailboxIndex>().GetMailboxAsync(user, "Archive2024", CancellationToken.None);
        Assert.Equal(SpecialUse.Archive, box!.SpecialUse);
    }

    [Fact]
    public async Task MailKit_creates_a_special_use_folder_and_sees_subscriptions_of_deleted_folders_as_nonexistent()
    {
        string user = await fixture.NewUserAsync();
        using var client = await fixture.ConnectAsync(user);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.CreateSpecialUse));
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.ListExtended));
        var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);

        var archive = (await root.CreateAsync("Kept", [SpecialFolder.Archive]))!;
        var doomed = (await root.CreateAsync("Doomed", true))!;
        await doomed.SubscribeAsync();
        await archive.SubscribeAsync();
        await doomed.DeleteAsync();

        Assert.True(archive.Attributes.HasFlag(FolderAttributes.Archive));
        var subscribed = await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.None, subscribedOnly: true);
        var byName = subscribed.ToDictionary(f => f.FullName);
        Assert.True(byName["Kept"].Attributes.HasFlag(FolderAttributes.Archive | FolderAttributes.Subscribed));
        Assert.True(byName["Doomed"].Attributes.HasFlag(FolderAttributes.NonExistent));
        await client.DisconnectAsync(true);
    }
}
