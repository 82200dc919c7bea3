using CloudMail.Core.Messages;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Listener.Smtp.Commands;

/// <summary>
/// MAIL (RFC 5321 §4.1.1.2). Submission endpoints (RFC 6409) need AUTH first (530, RFC 4954 §6) and a
/// reverse-path the user owns (<see cref="SenderOwnership"/>; 553 5.7.1 otherwise) or the null sender, which clients use
/// for what must never be answered by a bounce: read receipts (RFC 8098 §3: the MDN's envelope sender SHOULD be null)
/// and automatic replies (RFC 3834 §3.3); the message's From must still be the user's (the end-of-data check). SIZE= over the limit is refused here, before any data (RFC 1870 §6), and so is any MAIL
/// while the storage keeps less than its reserve plus SIZE free (<see cref="Core.Blobs.IStorageSpace"/>; 452 4.3.1). REQUIRETLS
/// (RFC 8689 §4.1) is accepted only on a TLS session (530 5.7.10 otherwise); RET/ENVID travel with the transaction.
/// Each MAIL counts against the hourly message limits of the client and the account (<see cref="SendingRateLimiter"/>):
/// 450 4.7.1 beyond them. An account disabled or removed since its AUTH gets 421 4.7.0 and the session ends.
/// </summary>
internal static class MailHandler
{
    public static async ValueTask<bool> HandleAsync(SmtpSession s, MailCommand mail, SmtpState next)
    {
        bool submission = s.Connection.Kind.IsSubmission();
        if (submission && s.Identity is null) return s.Error(SmtpReplies.AuthenticationRequired);
        if (mail.Size > s.Options.MaxMessageSize)
        {
            s.Send(SmtpReplies.MessageTooBig(s.Options.MaxMessageSize));
            return true;
        }
        if (s.Services.Space is { } space && !space.CanTake(mail.Size ?? 0))
        {
            SmtpLog.StorageLow(s.Log, space.AvailableBytes, s.Remote);
            s.Send(SmtpReplies.InsufficientStorage);
            return true;
        }
        if (!mail.SmtpUtf8 && !SmtpGrammar.IsAscii(mail.ReversePath)) return s.Error(SmtpReplies.NonAsciiAddressWithoutSmtpUtf8);
        if (mail.RequireTls && !s.Connection.IsSecure) return s.Error(SmtpReplies.RequireTlsWithoutTls);
        if (s.Identity is { } identity && submission)
        {
            bool owned;
            try
            {
                if (!await s.Services.Authenticator.IsActiveAsync(identity.Account, CancellationToken.None).ConfigureAwait(false))
                {
                    SmtpLog.AccountUnavailable(s.Log, identity.Account, s.Remote);
                    s.Send(SmtpReplies.AccountUnavailable(s.Services.HostName));
                    return false;
                }
                owned = mail.IsNullSender || await SenderOwnership.OwnsAsync(s.Services, identity.Account, mail.ReversePath, s.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                SmtpLog.LookupFailed(s.Log, e, "MAIL", s.Remote);
                s.Send(SmtpReplies.LocalError);
                return true;
            }
            if (!owned)
            {
                SmtpLog.SenderNotOwned(s.Log, mail.ReversePath, identity.Account, s.Remote);
                return s.Error(SmtpReplies.SenderNotOwned);
            }
        }
        if (!s.Services.Rates.TryStartMessage(s.RateKey, s.Identity?.Account))
        {
            SmtpLog.RateLimited(s.Log, s.Remote, s.Identity?.Account);
            s.Send(SmtpReplies.MessageRateExceeded);
            return true;
        }
        s.Advance(SmtpTransaction.Begin(mail), next);
        s.Send(SmtpReplies.SenderOk);
        return true;
    }
}
