using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;

namespace CloudMail.Listener.Tests.Imap;

/// <summary><see cref="MailboxListing"/>: the LIST answer (RFC 3501 §6.3.8, RFC 5258 §3) without a server.</summary>
public class MailboxListingTests
{
    private static MailboxInfo Box(string name, SpecialUse use = SpecialUse.None) => new(name, 1, 1, 0, 0, 0, 0, use);

    /// <summary>"a/b" exists without "a" (a hole, as after an older server or a direct import), plus INBOX and a Trash.</summary>
    private static readonly MailboxInfo[] Mailboxes = [Box("a/b"), Box("INBOX"), Box("Trash", SpecialUse.Trash)];

    private static List<string> Lines(string pattern, ListSelection selection, params string[] subscriptions) =>
        [.. MailboxListing.List(Mailboxes, new HashSet<string>(subscriptions, StringComparer.Ordinal), [ListPattern.Compile(pattern)], selection)
            .Select(e => $"{e.Name} ({string.Join(' ', e.Attributes)})" + (e.ChildInfo.Count > 0 ? " CHILDINFO " + string.Join(' ', e.ChildInfo) : ""))];

    private static readonly ListSelection Plain = new(false, false, false, false);

    [Fact]
    public void Plain_list_shows_a_hole_as_noselect_with_children()
    {
        Assert.Equal(["INBOX (\\HasNoChildren)", "Trash (\\HasNoChildren \\Trash)", "a (\\Noselect \\HasChildren)", "a/b (\\HasNoChildren)"],
            Lines("*", Plain));
    }

    [Fact]
    public void With_a_selection_a_hole_is_nonexistent_and_listed_only_through_recursivematch()
    {
        var subscribed = new ListSelection(Subscribed: true, SpecialUse: false, RecursiveMatch: false, ReturnSubscribed: true);
        Assert.Equal(["a/b (\\HasNoChildren \\Subscribed)"], Lines("*", subscribed, "a/b"));
        Assert.Empty(Lines("%", subscribed, "a/b"));
        Assert.Equal(["a (\\NonExistent \\HasChildren) CHILDINFO SUBSCRIBED"], Lines("%", subscribed with { RecursiveMatch = true }, "a/b"));
    }

    /// <summary>RFC 5258 §3.5: "servers SHOULD suppress redundant CHILDINFO responses" (Dovecot's imaptest listext checks it).</summary>
    [Fact]
    public void A_parent_is_not_listed_for_a_subscribed_child_that_is_listed_itself()
    {
        var recursive = new ListSelection(Subscribed: true, SpecialUse: false, RecursiveMatch: true, ReturnSubscribed: true);
        Assert.Equal(["a/b (\\HasNoChildren \\Subscribed)"], Lines("*", recursive, "a/b"));
        Assert.Equal(["a/b (\\HasNoChildren \\Subscribed)"], Lines("*b", recursive, "a/b"));
        Assert.Equal(["a (\\NonExistent \\HasChildren) CHILDINFO SUBSCRIBED"], Lines("a", recursive, "a/b"));
    }

    [Fact]
    public void Several_selection_options_must_all_hold()
    {
        var both = new ListSelection(Subscribed: true, SpecialUse: true, RecursiveMatch: false, ReturnSubscribed: true);
        Assert.Equal(["Trash (\\HasNoChildren \\Trash \\Subscribed)"], Lines("*", both, "Trash", "INBOX"));
        Assert.Empty(Lines("*", both, "INBOX"));
        // a/b is subscribed but has no special use: it meets one criterion of two, so "a" gets no CHILDINFO.
        Assert.Empty(Lines("a", both with { RecursiveMatch = true }, "a/b"));
    }
}
