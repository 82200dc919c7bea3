using CloudMail.Core.Mailboxes;

namespace CloudMail.ContractTests;

/// <summary>
/// Names up to <see cref="DefaultMailboxes.MaxNameLength"/> are stored whatever they hold: '/' and '%' are the
/// characters that grow the most when a backend escapes them (three for one in Table keys), so these names would
/// make keys several times the 1 KiB a Table key may hold.
/// </summary>
public abstract partial class MailboxIndexContractTests
{
    /// <summary>"%/%/…" of exactly <paramref name="length"/> characters, ending in <paramref name="end"/>.</summary>
    private static string LongName(int length, string end = "end") =>
        string.Concat(Enumerable.Repeat("%/", (length - end.Length) / 2)) + end.PadLeft(end.Length + (length - end.Length) % 2, '%');

    [Fact]
    public async Task A_name_of_the_maximum_length_is_created_found_listed_subscribed_and_deleted()
    {
        string account = await NewAccountAsync();
        string name = LongName(DefaultMailboxes.MaxNameLength, "a");
        string sibling = LongName(DefaultMailboxes.MaxNameLength, "b");
        Assert.Equal(DefaultMailboxes.MaxNameLength, name.Length);

        Assert.Equal(name, (await Index.CreateMailboxAsync(account, name, SpecialUse.None, Ct)).Name);
        await Index.CreateMailboxAsync(account, sibling, SpecialUse.None, Ct);
        await Assert.ThrowsAsync<MailboxExistsException>(() => Index.CreateMailboxAsync(account, name, SpecialUse.None, Ct));
        AppendResult appended = await AppendAsync(account, name);
        await Index.SetSubscribedAsync(account, name, true, Ct);

        Assert.Equal(1, (await MailboxAsync(account, name)).Messages);
        Assert.Equal(0, (await MailboxAsync(account, sibling)).Messages);
        Assert.Equal(appended.Uid, Assert.Single(await Index.GetMessagesAsync(account, name, Ct)).Uid);
        IReadOnlyList<string> names = [.. (await Index.ListMailboxesAsync(account, Ct)).Select(m => m.Name)];
        Assert.Contains(name, names);
        Assert.Contains(sibling, names);
        Assert.Contains(name, await Index.ListSubscriptionsAsync(account, Ct));

        await Index.SetSubscribedAsync(account, name, false, Ct);
        await Index.DeleteMailboxAsync(account, name, Ct);

        Assert.DoesNotContain(name, await Index.ListSubscriptionsAsync(account, Ct));
        Assert.Null(await Index.GetMailboxAsync(account, name, Ct));
        Assert.NotNull(await Index.GetMailboxAsync(account, sibling, Ct));
    }

    [Fact]
    public async Task Rename_moves_children_whose_names_are_too_long_for_a_table_key_both_ways()
    {
        string account = await NewAccountAsync();
        string longChild = "P/" + LongName(2000);
        foreach (string name in new[] { "P", "P/short", longChild }) await Index.CreateMailboxAsync(account, name, SpecialUse.None, Ct);
        await AppendAsync(account, longChild);
        string longParent = LongName(1000, "Q");

        // Short parent to long: every child's name becomes long.
        await Index.RenameMailboxAsync(account, "P", longParent, Ct);
        IReadOnlyList<string> moved = [.. (await Index.ListMailboxesAsync(account, Ct)).Select(m => m.Name)];
        Assert.Contains(longParent, moved);
        Assert.Contains(longParent + "/short", moved);
        Assert.Contains(longParent + longChild[1..], moved);
        Assert.DoesNotContain(moved, n => n == "P" || n.StartsWith("P/", StringComparison.Ordinal));

        // Long parent back to short: the children are found although their keys are hashes.
        await Index.RenameMailboxAsync(account, longParent, "R", Ct);
        IReadOnlyList<string> names = [.. (await Index.ListMailboxesAsync(account, Ct)).Select(m => m.Name)];
        Assert.Contains("R", names);
        Assert.Contains("R/short", names);
        Assert.Contains("R" + longChild[1..], names);
        Assert.DoesNotContain(names, n => n.StartsWith(longParent, StringComparison.Ordinal) || n.StartsWith("P", StringComparison.Ordinal));
        Assert.Equal(1, (await MailboxAsync(account, "R" + longChild[1..])).Messages);
    }
}
