using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Data;

namespace CloudMail.Listener.Smtp.Commands;

/// <summary>
/// BDAT (RFC 3030 §2): exactly <see cref="BdatCommand.Size"/> octets follow; each chunk gets a reply, the
/// LAST one the final 250 (after commit). A chunk over the size limit is read and dropped, answered 552,
/// and the transaction ends, so later BDATs of it get 503 (their octets are still skipped by the dispatcher).
/// </summary>
internal static class BdatHandler
{
    public static async ValueTask<bool> HandleAsync(SmtpSession s, BdatCommand bdat, SmtpState next)
    {
        var message = s.ChunkedMessage();
        if (message is null)
        {
            await s.AbandonTransactionAsync().ConfigureAwait(false);
            s.EnterState(SmtpState.Greeted);
            return await s.SkipChunkAsync(bdat.Size).ConfigureAwait(false);
        }
        if (!await s.ReceiveBlockAsync(new BdatChunkReader(bdat.Size).Read, message).ConfigureAwait(false)) return false;
        if (!bdat.Last && !message.TooBig && message.StoreError is null)
        {
            s.EnterState(next);
            s.Send(SmtpReplies.ChunkReceived(bdat.Size));
            return true;
        }
        await using (s.TakeChunkedMessage().ConfigureAwait(false))
        {
            await s.FinishMessageAsync(message).ConfigureAwait(false);
        }
        s.EnterState(SmtpState.Greeted);
        return true;
    }
}
