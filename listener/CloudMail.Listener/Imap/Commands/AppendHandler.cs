using CloudMail.Core.Mailboxes.Structure;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// APPEND (RFC 3501 §6.3.11, APPENDUID RFC 4315 §3) and MULTIAPPEND (RFC 3502). Each message literal streams
/// straight into the blob store; checks that can be made before it arrives (state, mailbox, flags, size, number of
/// messages, quota for all the messages so far) are made before the "+" so that a refused synchronizing literal is never
/// sent. The blobs are committed and indexed only when the command line ends well-formed, all messages in one change
/// (<see cref="IMailboxIndex.AppendAllAsync"/>): RFC 3502 §6.3.11 wants all or none of them appended. Where the index can
/// (<see cref="IJointBlobMailboxIndex"/>), small blobs are stored in that same commit, so an APPEND costs one fsync.
/// </summary>
internal static class AppendHandler
{
    public static async Task ReceiveAsync(ImapSession s, ImapAppendLiteralStarting append, CancellationToken ct)
    {
        var (refusal, destination) = await CheckAsync(s, append, ct).ConfigureAwait(false);
        if (refusal is { } r)
        {
            await RefuseAsync(s, append, r, append.Size, append.Synchronizing).ConfigureAwait(false);
            return;
        }
        ImapFlags.TryParse(append.Flags, out var flags, out var keywords, out _);
        if (append.Synchronizing)
        {
            s.W.Continuation("Ready for literal");
            await s.Out.FlushAsync(ct).ConfigureAwait(false);
        }
        IBlobWriter writer;
        try
        {
            writer = s.Services.Blobs.CreateWriter(MessageIds.New());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The storage refused the new blob (e.g. a full disk): the client is sending the literal all the same.
            await RefuseAsync(s, append, s.Failed("APPEND", e), append.Size, synchronizing: false).ConfigureAwait(false);
            return;
        }
        LiteralReceipt receipt;
        try
        {
            receipt = await s.ReceiveLiteralAsync(writer, append.Size, append.Binary, ct).ConfigureAwait(false);
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        if (receipt.TimedOut || receipt.StoreFailure is not null) await writer.DisposeAsync().ConfigureAwait(false);
        if (receipt.TimedOut) return; // the session is closing
        if (receipt.StoreFailure is { } failure)
        {
            // The rest of the literal is dropped unread, as is the rest of the command: all or none of a MULTIAPPEND.
            await RefuseAsync(s, append, s.Failed("APPEND", failure), receipt.Unread, synchronizing: false).ConfigureAwait(false);
            return;
        }
        s.Reader.LiteralStreamed(append.Size);
        s.PendingAppend ??= new PendingAppend(append.Tag, MailboxNames.Normalize(append.Mailbox));
        s.PendingAppend.Destination ??= destination;
        s.PendingAppend.Messages.Add(new StreamedMessage(flags, keywords, append.InternalDate ?? s.Services.Time.GetUtcNow(), writer));
    }

    /// <summary>
    /// Answers the APPEND with <paramref name="refusal"/> now and has the reader drop the <paramref name="unread"/> octets of
    /// the literal still to come (none when it is <paramref name="synchronizing"/> and was never invited) and the rest of the
    /// command. A refused message refuses the whole MULTIAPPEND: the ones streamed before it are dropped.
    /// </summary>
    private static async Task RefuseAsync(ImapSession s, ImapAppendLiteralStarting append, ImapCompletion refusal, long unread, bool synchronizing)
    {
        if (append.Index > 0 && s.PendingAppend is { } earlier)
        {
            s.PendingAppend = null;
            await earlier.DisposeAsync().ConfigureAwait(false);
        }
        s.Reader.RejectLiteral(unread, synchronizing);
        s.Refuse(append.Tag, refusal);
    }

    /// <summary>The refusal of a message about to be streamed, or null; for the first message also the mailbox as found.</summary>
    private static async Task<(ImapCompletion? Refusal, MailboxInfo? Mailbox)> CheckAsync(ImapSession s, ImapAppendLiteralStarting append, CancellationToken ct)
    {
        if (append.Index > 0)
        {
            if (s.PendingAppend?.Tag != append.Tag) return (ImapCompletion.Bad("APPEND message without the ones before it"), null);
            // MessageToAppend.MaxPerAtomicAppend: the most every backend appends as one change.
            if (append.Index >= MessageToAppend.MaxPerAtomicAppend)
                return (ImapCompletion.No(ImapResponseCodes.Limit, $"At most {MessageToAppend.MaxPerAtomicAppend} messages per APPEND"), null);
        }
        else if (s.StateRefusal("APPEND") is { } refusal) return (refusal, null);
        if (ImapFlags.Refusal(append.Flags) is { } badFlags) return (badFlags, null);
        if (append.Size == 0) return (ImapCompletion.No(ImapResponseCodes.Cannot, "Empty messages are not stored"), null);
        MailboxInfo? mailbox = null;
        if (append.Index == 0 && (mailbox = await s.Services.Mailboxes.GetMailboxAsync(s.Account, MailboxNames.Normalize(append.Mailbox), ct).ConfigureAwait(false)) is null)
            return (ImapCompletion.No(ImapResponseCodes.TryCreate, "No such mailbox"), null); // RFC 3501 §6.3.11
        // RFC 9208 §5: nothing is stored over quota; a MULTIAPPEND is weighed with the messages streamed before this one.
        long earlier = append.Index == 0 ? 0 : s.PendingAppend!.Messages.Sum(m => m.Writer.BytesWritten);
        if (!await s.Services.Quotas.AllowsAsync(s.Account, earlier + append.Size, append.Index + 1, ct).ConfigureAwait(false))
            return (ImapCompletion.No(ImapResponseCodes.OverQuota, "Mailbox quota exceeded"), null);
        // A data volume that keeps less than its reserve free takes no new message (Dovecot answers a full disk the same way).
        if (s.Services.Space is { } space && !space.CanTake(earlier + append.Size))
            return (ImapCompletion.No(ImapResponseCodes.OverQuota, "Not enough disk space"), null);
        return (null, mailbox);
    }

    /// <summary>The command line ended well-formed: commit the streamed blobs and add them all to the mailbox.</summary>
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, AppendCommand command, CancellationToken ct)
    {
        var pending = s.PendingAppend;
        s.PendingAppend = null;
        int streamed = command.Messages.Count(m => m.Catenate is null);
        if (streamed == 0 ? pending is not null : pending is null || pending.Tag != command.Tag || pending.Messages.Count != streamed)
        {
            if (pending is not null) await pending.DisposeAsync().ConfigureAwait(false);
            return ImapCompletion.Bad("APPEND without a message");
        }
        pending ??= new PendingAppend(command.Tag, MailboxNames.Normalize(command.Mailbox));
        var assembled = new List<IBlobWriter>();
        await using (pending.ConfigureAwait(false))
        try
        {
            // A CATENATE-only APPEND streamed nothing, so nothing was checked yet (RFC 3501 §6.3.11, RFC 3502).
            if (streamed == 0)
            {
                var (refused, destination) = await RefuseCatenateOnlyAsync(s, command, pending.Mailbox, ct).ConfigureAwait(false);
                if (refused is { } notStarted) return notStarted;
                pending.Destination = destination;
            }
            var ordered = new List<StreamedMessage>(command.Messages.Count);
            int next = 0;
            foreach (var m in command.Messages)
            {
                if (m.Catenate is null) { ordered.Add(pending.Messages[next++]); continue; }
                ImapFlags.TryParse(m.Flags, out var flags, out var keywords, out _);
                var (writer, refusal) = await CatenateAssembler.AssembleAsync(s, m.Catenate, ct).ConfigureAwait(false);
                if (refusal is { } notAssembled) return notAssembled; // RFC 3502 §6.3.11: all or none
                assembled.Add(writer!);
                ordered.Add(new StreamedMessage(flags, keywords, m.InternalDate ?? s.Services.Time.GetUtcNow(), writer!));
            }
            if (streamed < ordered.Count && !await s.Services.Quotas.AllowsAsync(s.Account, ordered.Sum(m => m.Writer.BytesWritten), ordered.Count, ct).ConfigureAwait(false))
                return ImapCompletion.No(ImapResponseCodes.OverQuota, "Mailbox quota exceeded"); // RFC 9208 §5
            // A backend that can (embedded, small messages) stores the blobs with the index rows: one durable commit.
            var joint = s.Services.Mailboxes as IJointBlobMailboxIndex;
            var prepared = new List<IBlobWriter>();
            var messages = new List<MessageToAppend>(ordered.Count);
            foreach (var m in ordered)
            {
                BlobRef blob;
                string? structure;
                if (joint?.TryPrepare(m.Writer) is { } ready)
                {
                    blob = ready.Blob;
                    using var content = new MemoryStream(ready.Content.ToArray(), writable: false);
                    structure = await StructureOfMessage.ComputeAsync(content, ct).ConfigureAwait(false);
                    prepared.Add(m.Writer);
                }
                else
                {
                    blob = await m.Writer.CommitAsync(ct).ConfigureAwait(false);
                    structure = await StructureOfMessage.ComputeAsync(s.Services.Blobs, blob.Id, ct).ConfigureAwait(false);
                }
                messages.Add(new MessageToAppend(blob, m.InternalDate, m.Flags, m.Keywords, structure));
            }
            IReadOnlyList<AppendResult> results;
            try
            {
                results = prepared.Count > 0
                    ? await joint!.AppendAllWithBlobsAsync(s.Account, pending.Mailbox, messages, prepared, ct).ConfigureAwait(false)
                    : await s.Services.Mailboxes.AppendAllAsync(s.Account, pending.Mailbox, messages, ct).ConfigureAwait(false);
            }
            catch (MailboxNotFoundException)
            {
                // Deleted while the literals were arriving; the committed blobs are unreferenced garbage, nothing is lost.
                return ImapCompletion.No(ImapResponseCodes.TryCreate, "No such mailbox");
            }
            s.NotifyOwnAppend(pending.Mailbox, results);
            // A message put straight into Junk (a client moving it in from another account, or offline) trains as spam.
            if (pending.Destination is { SpecialUse: SpecialUse.Junk } junk)
                await s.Services.Training.RecordAsync(s.Account, null, junk, [.. messages.Select(m => m.Blob.Id)], ct).ConfigureAwait(false);
            // RFC 4315 §3 (as extended for MULTIAPPEND): the UIDs of all appended messages, ascending as they were added.
            string uids = SequenceSet.Format(results.Select(r => r.Uid));
            return ImapCompletion.Ok("APPEND completed", $"{ImapResponseCodes.AppendUid} {results[0].UidValidity} {uids}");
        }
        finally
        {
            foreach (var writer in assembled) await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The checks a streamed APPEND makes before its first literal, for one whose messages are all CATENATE.</summary>
    private static async Task<(ImapCompletion? Refusal, MailboxInfo? Mailbox)> RefuseCatenateOnlyAsync(ImapSession s, AppendCommand command, string mailbox, CancellationToken ct)
    {
        if (s.StateRefusal("APPEND") is { } refusal) return (refusal, null);
        if (command.Messages.Count > MessageToAppend.MaxPerAtomicAppend)
            return (ImapCompletion.No(ImapResponseCodes.Limit, $"At most {MessageToAppend.MaxPerAtomicAppend} messages per APPEND"), null);
        foreach (var m in command.Messages)
            if (ImapFlags.Refusal(m.Flags) is { } badFlags) return (badFlags, null);
        MailboxInfo? found = await s.Services.Mailboxes.GetMailboxAsync(s.Account, mailbox, ct).ConfigureAwait(false);
        return found is null ? (ImapCompletion.No(ImapResponseCodes.TryCreate, "No such mailbox"), null) : (null, found); // RFC 3501 §6.3.11
    }
}
