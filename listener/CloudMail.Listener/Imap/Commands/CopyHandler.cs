using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// COPY / UID COPY (RFC 3501 §6.4.7, COPYUID RFC 4315 §3) and MOVE / UID MOVE (RFC 6851 §3: COPYUID in an
/// untagged OK, then EXPUNGE responses for the moved messages; with QRESYNC, VANISHED and then the new HIGHESTMODSEQ in an
/// untagged OK). A COPY that would take the account over its quota gets
/// NO [OVERQUOTA] and copies nothing (RFC 9208 §5). A MOVE is never refused for quota: every mailbox of the account is
/// under its one quota root, so moving changes no usage, and a full account can still move mail to Trash to make room.
/// </summary>
internal static class CopyHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, CopyCommand command, CancellationToken ct)
    {
        var selected = s.Selected!;
        if (command.Move && selected.ReadOnly) return ImapCompletion.No(null, "Mailbox is read-only");
        if (!selected.TryResolve(command.Set, command.Uid, out var targets))
            return ImapCompletion.Bad("Invalid message sequence number");
        string destination = MailboxNames.Normalize(command.Mailbox);
        var index = s.Services.Mailboxes;
        if (await index.GetMailboxAsync(s.Account, destination, ct).ConfigureAwait(false) is not { } target)
            return ImapCompletion.No(ImapResponseCodes.TryCreate, "No such mailbox"); // RFC 3501 §6.4.7
        if (targets.Count == 0) return ImapCompletion.Ok(command.Name + " completed");
        if (!command.Move && !await s.Services.Quotas.AllowsAsync(s.Account, targets.Sum(t => t.Message.Blob.Size), targets.Count, ct).ConfigureAwait(false))
            return ImapCompletion.No(ImapResponseCodes.OverQuota, "Mailbox quota exceeded"); // RFC 9208 §5: nothing is copied

        var result = await index.CopyAsync(s.Account, selected.Name, [.. targets.Select(t => t.Message.Uid)], destination, ct).ConfigureAwait(false);
        var copied = result.SourceUids.ToHashSet();
        await RecordTrainingAsync(s, target, [.. targets.Where(t => copied.Contains(t.Message.Uid)).Select(t => t.Message.Blob.Id)], ct).ConfigureAwait(false);
        string copyUid = result.SourceUids.Count == 0
            ? null!
            : $"{ImapResponseCodes.CopyUid} {result.DestinationUidValidity} {Format(result.SourceUids)} {Format(result.DestinationUids)}";
        if (!command.Move)
        {
            s.NotifyChanged();
            return ImapCompletion.Ok(command.Name + " completed", result.SourceUids.Count == 0 ? null : copyUid);
        }
        if (result.SourceUids.Count > 0) s.W.Untagged(ImapStatus.Ok, copyUid, "Moved");
        var removed = await index.ExpungeAsync(s.Account, selected.Name, result.SourceUids, ct).ConfigureAwait(false);
        selected.RemoveAndReport(s.W, removed, s.QResync);
        s.NotifyChanged();
        // The moved messages left with no MODSEQ the client could track: tell a QRESYNC client the new HIGHESTMODSEQ.
        if (s.QResync && removed.Count > 0 && await s.CatchUpAfterRemovalAsync(ct).ConfigureAwait(false) is not null) selected.AnnounceModSeq(s.W);
        return ImapCompletion.Ok(command.Name + " completed");
    }

    /// <summary>
    /// Filing into or out of Junk trains the spam scorer (<see cref="SpamTrainingRecorder"/>): a MOVE, and a COPY too, since
    /// clients without MOVE move by COPY, STORE \Deleted and EXPUNGE, and copying into Junk says the same. Never fails the command.
    /// </summary>
    private static async Task RecordTrainingAsync(ImapSession s, MailboxInfo target, IReadOnlyCollection<string> blobIds, CancellationToken ct)
    {
        if (blobIds.Count == 0) return;
        var source = await s.Services.Mailboxes.GetMailboxAsync(s.Account, s.Selected!.Name, ct).ConfigureAwait(false);
        if (source is not null) await s.Services.Training.RecordAsync(s.Account, source, target, blobIds, ct).ConfigureAwait(false);
    }

    /// <summary>uid-set in the order given (RFC 4315 §4: the two sets correspond element by element).</summary>
    private static string Format(IReadOnlyList<uint> uids)
    {
        for (int i = 1; i < uids.Count; i++)
            if (uids[i] <= uids[i - 1]) return string.Join(',', uids);
        return SequenceSet.Format(uids);
    }
}
