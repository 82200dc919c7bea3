using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// The superiors of a CREATE or RENAME target that are not mailboxes yet (RFC 3501 §6.3.3: the server creates
/// them), found against one listing of the account's mailboxes, and their creation.
/// </summary>
internal static class MissingParents
{
    /// <summary>The account's mailbox names, for <see cref="Of"/> and the count limit.</summary>
    public static async Task<HashSet<string>> ExistingAsync(ImapSession s, CancellationToken ct) =>
        (await s.Services.Mailboxes.ListMailboxesAsync(s.Account, ct).ConfigureAwait(false)).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The superiors of <paramref name="name"/> missing from <paramref name="existing"/>, shallowest first.</summary>
    public static string[] Of(string name, HashSet<string> existing) => [.. MailboxNames.Parents(name).Where(p => !existing.Contains(p))];

    /// <summary>Creates <paramref name="parents"/> in order; one created meanwhile by another session is fine.</summary>
    public static async Task CreateAsync(ImapSession s, IEnumerable<string> parents, CancellationToken ct)
    {
        foreach (string parent in parents)
        {
            try
            {
                await s.Services.Mailboxes.CreateMailboxAsync(s.Account, parent, SpecialUse.None, ct).ConfigureAwait(false);
            }
            catch (MailboxExistsException)
            {
                // Created concurrently: fine.
            }
        }
    }
}
