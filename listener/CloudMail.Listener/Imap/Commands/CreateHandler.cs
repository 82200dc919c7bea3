using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// CREATE (RFC 3501 §6.3.3): a trailing delimiter only says the client means to create children; missing
/// superiors are created too. Names sent as raw 8-bit octets are refused (RFC 3501 §5.1); names too long or too
/// deep, or more mailboxes than the account may hold, answer NO [LIMIT] (<see cref="MailboxLimits"/>).
/// CREATE-SPECIAL-USE (RFC 6154 §3): <c>(USE (\Archive))</c> stores the special use with the mailbox; a use the
/// server cannot give (unknown, virtual like \All and \Flagged, or more than one per mailbox) answers NO [USEATTR]
/// and creates nothing.
/// </summary>
internal static class CreateHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, CreateCommand command, CancellationToken ct)
    {
        if (!TryUse(command.Use, out SpecialUse use, out string? refusal)) return ImapCompletion.No(ImapResponseCodes.UseAttr, refusal);
        string name = MailboxNames.Normalize(command.Mailbox.TrimEnd(MailboxNames.Delimiter));
        if (MailboxNames.IsInbox(name)) return ImapCompletion.No(ImapResponseCodes.AlreadyExists, "INBOX always exists");
        if (command.EightBit) return ImapCompletion.No(ImapResponseCodes.Cannot, MailboxNames.EightBitRefusal);
        if (!MailboxNames.IsValidNew(name)) return ImapCompletion.No(ImapResponseCodes.Cannot, "Invalid mailbox name");
        if (MailboxLimits.CheckName(name, s.Options) is { } tooLong) return tooLong;
        var existing = await MissingParents.ExistingAsync(s, ct).ConfigureAwait(false);
        if (existing.Contains(name)) return ImapCompletion.No(ImapResponseCodes.AlreadyExists, "Mailbox already exists");
        string[] missing = MissingParents.Of(name, existing);
        if (MailboxLimits.CheckMailboxCount(existing.Count, missing.Length + 1, s.Options) is { } tooMany) return tooMany;
        await MissingParents.CreateAsync(s, missing, ct).ConfigureAwait(false);
        MailboxInfo created;
        try
        {
            created = await s.Services.Mailboxes.CreateMailboxAsync(s.Account, name, use, ct).ConfigureAwait(false);
        }
        catch (MailboxExistsException)
        {
            return ImapCompletion.No(ImapResponseCodes.AlreadyExists, "Mailbox already exists");
        }
        s.NotifyChanged();
        // RFC 8474 §4.1: the new mailbox's MAILBOXID in the tagged OK.
        return ImapCompletion.Ok("CREATE completed", ImapResponseCodes.MailboxId + " (" + Messages.ObjectIds.MailboxId(s.Account, created.UidValidity) + ")");
    }

    /// <summary>
    /// The one special use a mailbox can store (<see cref="MailboxInfo.SpecialUse"/>). \All and \Flagged name virtual
    /// mailboxes that CloudMail does not build, so a real mailbox must not claim them.
    /// </summary>
    private static bool TryUse(IReadOnlyList<string> attributes, out SpecialUse use, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? refusal)
    {
        use = SpecialUse.None;
        refusal = null;
        if (attributes.Count > 1) refusal = "One special use per mailbox";
        else if (attributes.Count == 1)
        {
            use = attributes[0].ToUpperInvariant() switch
            {
                @"\ARCHIVE" => SpecialUse.Archive,
                @"\DRAFTS" => SpecialUse.Drafts,
                @"\JUNK" => SpecialUse.Junk,
                @"\SENT" => SpecialUse.Sent,
                @"\TRASH" => SpecialUse.Trash,
                _ => SpecialUse.None,
            };
            if (use == SpecialUse.None) refusal = "Special use " + attributes[0] + " is not supported";
        }
        return refusal is null;
    }
}
