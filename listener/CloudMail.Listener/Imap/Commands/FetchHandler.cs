using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// FETCH / UID FETCH (RFC 3501 §6.4.5, §7.4.2). Body sections are the exact stored bytes, streamed from the blob;
/// BODY[...] without PEEK, RFC822 and RFC822.TEXT set \Seen in a read-write mailbox and the new FLAGS are
/// reported. UID FETCH always returns UID. CHANGEDSINCE and MODSEQ per RFC 7162 §3.1.4, VANISHED per §3.2.6. A message this session still
/// lists but whose bytes are gone (expunged elsewhere and reclaimed) is left out, and the command ends
/// <c>NO [EXPUNGEISSUED]</c> (RFC 5530 §3) so the client knows to NOOP.
/// </summary>
internal static class FetchHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, FetchCommand command, CancellationToken ct)
    {
        var selected = s.Selected!;
        if (!selected.TryResolve(command.Set, command.Uid, out var targets))
            return ImapCompletion.Bad("Invalid message sequence number");

        if (command.Vanished)
        {
            // RFC 7162 §3.2.6: before the FETCH responses, the UIDs of the set expunged since CHANGEDSINCE.
            if (!s.QResync) return ImapCompletion.Bad("QRESYNC must be enabled first");
            var changes = await s.Services.Mailboxes.GetChangesSinceAsync(s.Account, selected.Name, command.ChangedSince!.Value, ct).ConfigureAwait(false);
            if (VanishedUids.Format(changes, command.Set, Math.Max(selected.LargestUid, selected.UidNext - 1)) is { } vanished)
                s.W.Raw("* VANISHED (EARLIER) ").Raw(vanished).Crlf();
        }
        var items = command.Items.ToList();
        // UID FETCH always answers with UID (RFC 3501 §6.4.8); with QRESYNC on every FETCH does: expunges then come as
        // VANISHED, UIDs only (RFC 7162 §3.2.10), so a client must know each message's UID (Dovecot; imaptest checks it).
        if ((command.Uid || s.QResync) && !items.Any(i => i.Kind == FetchItemKind.Uid)) items.Insert(0, FetchItem.Uid);
        if (command.ChangedSince is { } since)
        {
            targets = [.. targets.Where(t => t.Message.ModSeq > since)];
            if (!items.Any(i => i.Kind == FetchItemKind.ModSeq)) items.Add(FetchItem.ModSeq);
        }
        if (items.Any(i => i.Kind == FetchItemKind.ModSeq)) s.EnableCondStore();
        // RFC 9394 §4: PARTIAL picks positions within what the set and CHANGEDSINCE selected, in ascending order.
        if (command.Partial is { } partial) targets = partial.Apply(targets);

        // RFC 3516 §4.3: BINARY of a part whose encoding cannot be removed fails the whole request, checked before anything
        // is sent or \Seen is set (the structures are kept in the index, so this reads no message).
        var binaryParts = items.Where(i => i.Kind is FetchItemKind.Binary or FetchItemKind.BinarySize && i.Section is { Text: SectionText.None, Part.Count: > 0 })
            .Select(i => i.Section!.Part).ToList();
        if (binaryParts.Count > 0)
        {
            foreach (var (seq, _) in targets)
            {
                await using var message = s.OpenStored(selected.RecordAt(seq));
                if (await message.IsAvailableAsync(bytesNeeded: false, ct).ConfigureAwait(false)
                    && await UndecodablePartAsync(message, binaryParts, ct).ConfigureAwait(false))
                {
                    await StructureWriteBack.FlushAsync(s, ct).ConfigureAwait(false);
                    return ImapCompletion.No(ImapResponseCodes.UnknownCte, "Unknown Content-Transfer-Encoding");
                }
            }
        }

        var flagsChanged = new HashSet<uint>();
        if (!selected.ReadOnly && items.Any(i => i.SetsSeen))
        {
            uint[] unseen = [.. targets.Where(t => !t.Message.Flags.HasFlag(MessageFlags.Seen)).Select(t => t.Message.Uid)];
            if (unseen.Length > 0)
            {
                var result = await s.Services.Mailboxes.UpdateFlagsAsync(s.Account, selected.Name, unseen,
                    new FlagUpdate(FlagUpdateMode.Add, MessageFlags.Seen, []), null, ct).ConfigureAwait(false);
                selected.ApplyLocal(result.Updated);
                flagsChanged.UnionWith(result.Updated.Select(m => m.Uid));
                s.NotifyOwnChange(result.ModSeqs);
            }
        }
        bool reportFlags = flagsChanged.Count > 0 && !items.Any(i => i.Kind == FetchItemKind.Flags);
        bool needsContent = items.Any(i => !IsMetadata(i.Kind));
        bool needsBytes = items.Any(i => NeedsBytes(i.Kind));
        bool expungedElsewhere = false;
        selected.WriteKeywordAnnouncement(s.W);

        await using var readAhead = needsBytes && targets.Count > 1
            ? new BlobReadAhead(s.Services.Blobs, targets.ConvertAll(t => t.Message), ct)
            : null;
        for (int i = 0; i < targets.Count; i++)
        {
            int seq = targets[i].Seq;
            var record = selected.RecordAt(seq);
            await using var message = s.OpenStored(record);
            message.OpenedAhead(readAhead?.Take(i));
            if (needsContent && !await message.IsAvailableAsync(needsBytes, ct).ConfigureAwait(false))
            {
                expungedElsewhere = true;
                continue;
            }
            Action? trailer = reportFlags && flagsChanged.Contains(record.Uid) ? () =>
            {
                s.W.Raw(" FLAGS ");
                selected.WriteFlagList(s.W, record);
                // RFC 7162 §3.2: with CONDSTORE enabled, a FETCH that reports changed flags carries MODSEQ.
                if (s.CondStore && !items.Any(i => i.Kind == FetchItemKind.ModSeq)) s.W.Raw(" MODSEQ (").Number(record.ModSeq).Raw(")");
            } : null;
            await WriteResponseAsync(s, seq, message, items, trailer, ct).ConfigureAwait(false);
        }
        await StructureWriteBack.FlushAsync(s, ct).ConfigureAwait(false);
        return expungedElsewhere
            ? ImapCompletion.No(ImapResponseCodes.ExpungeIssued, "Some of the requested messages no longer exist")
            : ImapCompletion.Ok(command.Name + " completed");
    }

    /// <summary>
    /// Writes one untagged <c>* seq FETCH (items...)</c> response for <paramref name="message"/>, the items in the order
    /// given, then whatever <paramref name="trailer"/> adds inside the parentheses (e.g. FLAGS a FETCH changed), and
    /// flushes when the output buffer has grown large. Shared by FETCH and NOTIFY's MessageNew push.
    /// </summary>
    internal static async Task WriteResponseAsync(ImapSession s, int seq, StoredMessage message, IReadOnlyList<FetchItem> items, Action? trailer,
        CancellationToken ct)
    {
        s.W.Raw("* ").Number(seq).Raw(" FETCH (");
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0) s.W.Sp();
            await FetchItemWriter.WriteAsync(s, message, items[i], ct).ConfigureAwait(false);
        }
        trailer?.Invoke();
        s.W.Raw(")").Crlf();
        await s.Out.FlushIfLargeAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Whether one of the BINARY <paramref name="parts"/> of <paramref name="message"/> has an encoding BINARY cannot remove.</summary>
    private static async Task<bool> UndecodablePartAsync(StoredMessage message, List<IReadOnlyList<int>> parts, CancellationToken ct)
    {
        var structure = await message.StructureAsync(ct).ConfigureAwait(false);
        foreach (var path in parts)
        {
            if (SectionResolver.FindPart(structure.Message.Body, path) is { IsMultipart: false, Message: null } part && !TransferDecoding.IsKnown(part.Encoding))
                return true;
        }
        return false;
    }

    /// <summary>Items answered from the index alone.</summary>
    private static bool IsMetadata(FetchItemKind kind) =>
        kind is FetchItemKind.Flags or FetchItemKind.Uid or FetchItemKind.InternalDate or FetchItemKind.Rfc822Size or FetchItemKind.ModSeq
            or FetchItemKind.SaveDate or FetchItemKind.EmailId or FetchItemKind.ThreadId;

    /// <summary>Items that read message bytes (the others need at most the structure, which may be cached).</summary>
    internal static bool NeedsBytes(FetchItemKind kind) =>
        kind is FetchItemKind.Rfc822 or FetchItemKind.Rfc822Header or FetchItemKind.Rfc822Text or FetchItemKind.BodySection
            or FetchItemKind.Binary or FetchItemKind.BinarySize or FetchItemKind.Preview;
}
