using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// APPEND (RFC 3501 §6.3.11, APPENDUID RFC 4315 §3). The message literal streams straight into the blob store;
/// checks that can be made before it arrives (state, mailbox, flags, size, quota) are made before the "+" so that a
/// refused synchronizing literal is never sent. The blob is committed and indexed only when the command line
/// ends well-formed.
/// </summary>
internal static class AppendHandler
{
    public static async Task ReceiveAsync(ImapSession s, ImapAppendLiteralStarting append, CancellationToken ct)
    {
        var refusal = await CheckAsync(s, append, ct).ConfigureAwait(false);
        if (refusal is { } r)
        {
            s.Reader.RejectLiteral(append.Size, append.Synchronizing);
            s.Refuse(append.Tag, r);
            return;
        }
        ImapFlags.TryParse(append.Flags, out var flags, out var keywords, out _);
        if (append.Synchronizing)
        {
            s.W.Continuation("Ready for literal");
            await s.Out.FlushAsync(ct).ConfigureAwait(false);
        }
        var writer = s.Services.Blobs.CreateWriter(MessageIds.New());
        bool received;
        try
        {
            received = await s.ReceiveLiteralAsync(writer, append.Size, ct).ConfigureAwait(false);
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        if (!received)
        {
            await writer.DisposeAsync().ConfigureAwait(false); // timed out: the session is closing
            return;
        }
        s.Reader.LiteralStreamed(append.Size);
        s.PendingAppend = new PendingAppend(append.Tag, MailboxNames.Normalize(append.Mailbox), flags, keywords,
            append.InternalDate ?? s.Services.Time.GetUtcNow(), writer);
    }

    private static async Task<ImapCompletion?> CheckAsync(ImapSession s, ImapAppendLiteralStarting append, CancellationToken ct)
    {
        if (s.StateRefusal("APPEND") is { } refusal) return refusal;
        if (!ImapFlags.TryParse(append.Flags, out _, out _, out string? unsupported))
            return ImapCompletion.Bad("Unsupported flag " + unsupported);
        if (append.Size == 0) return ImapCompletion.No(ImapResponseCodes.Cannot, "Empty messages are not stored");
        string mailbox = MailboxNames.Normalize(append.Mailbox);
        if (await s.Services.Mailboxes.GetMailboxAsync(s.Account, mailbox, ct).ConfigureAwait(false) is null)
            return ImapCompletion.No(ImapResponseCodes.TryCreate, "No such mailbox"); // RFC 3501 §6.3.11
        if (!await s.Services.Quotas.AllowsAsync(s.Account, append.Size, 1, ct).ConfigureAwait(false))
            return ImapCompletion.No(ImapResponseCodes.OverQuota, "Mailbox quota exceeded"); // RFC 9208 §5: nothing is stored
        return null;
    }

    /// <summary>The command line ended well-formed: commit the streamed blob and add it to the mailbox.</summary>
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, AppendCommand command, CancellationToken ct)
    {
        var pending = s.PendingAppend;
        s.PendingAppend = null;
        if (pending is null || pending.Tag != command.Tag) return ImapCompletion.Bad("APPEND without a message");
        await using (pending.Writer.ConfigureAwait(false))
        {
            var blob = await pending.Writer.CommitAsync(ct).ConfigureAwait(false);
            AppendResult result;
            try
            {
                result = await s.Services.Mailboxes.AppendAsync(s.Account, pending.Mailbox, blob, pending.InternalDate,
                    pending.Flags, pending.Keywords, null, ct).ConfigureAwait(false);
            }
            catch (MailboxNotFoundException)
            {
                // Deleted while the literal was arriving; the committed blob is unreferenced garbage, nothing is lost.
                return ImapCompletion.No(ImapResponseCodes.TryCreate, "No such mailbox");
            }
            s.NotifyChanged();
            return ImapCompletion.Ok("APPEND completed", $"{ImapResponseCodes.AppendUid} {result.UidValidity} {result.Uid}");
        }
    }
}
