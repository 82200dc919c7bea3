using CloudMail.Core.Directory;
using CloudMail.Core.Messages;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Listener.Smtp;

/// <summary>MAIL and RCPT: who may send, who may receive, and the relay rules.</summary>
internal sealed partial class SmtpSession
{
    private MailCommand? _mail;
    private readonly List<string> _recipients = [];
    private readonly HashSet<string> _recipientKeys = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// MAIL (RFC 5321 §4.1.1.2). Submission endpoints (RFC 6409) need AUTH first (530, RFC 4954 §6) and a
    /// reverse-path the user owns: the account's own address, or an alias whose targets include it
    /// (RFC 6409 §8.1 lets the MSA enforce this; 553 5.7.1 otherwise). The null sender is refused there:
    /// users do not send bounces. SIZE= over the limit is refused here, before any data (RFC 1870 §6).
    /// </summary>
    private async ValueTask<bool> MailAsync(MailCommand mail, SmtpState next)
    {
        if (_connection.Kind.IsSubmission() && _authenticatedUser is null) return Error(SmtpReplies.AuthenticationRequired);
        if (mail.Size > _o.MaxMessageSize)
        {
            Send(SmtpReplies.MessageTooBig(_o.MaxMessageSize));
            return true;
        }
        if (!mail.SmtpUtf8 && !SmtpGrammar.IsAscii(mail.ReversePath)) return Error(SmtpReplies.NonAsciiAddressWithoutSmtpUtf8);
        if (_authenticatedUser is not null && _connection.Kind.IsSubmission())
        {
            bool owned;
            try
            {
                owned = !mail.IsNullSender && await OwnsAddressAsync(_authenticatedUser, mail.ReversePath).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                SmtpLog.LookupFailed(Log, e, "MAIL", Remote);
                Send(SmtpReplies.LocalError);
                return true;
            }
            if (!owned)
            {
                SmtpLog.SenderNotOwned(Log, mail.ReversePath, _authenticatedUser, Remote);
                return Error(SmtpReplies.SenderNotOwned);
            }
        }
        _mail = mail;
        _state = next;
        Send(SmtpReplies.SenderOk);
        return true;
    }

    private async Task<bool> OwnsAddressAsync(string account, string address)
    {
        string normalized = MailAddresses.Normalize(address);
        if (string.Equals(normalized, account, StringComparison.OrdinalIgnoreCase)) return true;
        var targets = await _s.Directory.GetAliasTargetsAsync(normalized, _io.Token).ConfigureAwait(false);
        foreach (string target in targets)
        {
            if (string.Equals(MailAddresses.Normalize(target), account, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>
    /// RCPT (RFC 5321 §4.1.1.3). A local domain's address must resolve (account, alias or catch-all) or it
    /// gets 550 5.1.1 at once. Any other domain is relaying, allowed only for an authenticated session
    /// (RFC 5321 §3.6.2, RFC 6409 §5); otherwise 554 5.7.1: never an open relay. A recipient only remote delivery
    /// could take gets 550 5.7.1 while the server has no outbound route (<see cref="RecipientAdmission"/>).
    /// </summary>
    private async ValueTask<bool> RcptAsync(RcptCommand rcpt, SmtpState next)
    {
        if (_recipients.Count >= _o.MaxRecipients)
        {
            Send(SmtpReplies.TooManyRecipients); // RFC 5321 §4.5.3.1.10: the client sends the rest later
            return true;
        }
        if (!_mail!.SmtpUtf8 && !SmtpGrammar.IsAscii(rcpt.ForwardPath)) return Error(SmtpReplies.NonAsciiAddressWithoutSmtpUtf8);
        SmtpReply? refusal;
        string address;
        try
        {
            if (rcpt.IsBarePostmaster)
            {
                address = await PostmasterAddressAsync().ConfigureAwait(false) ?? rcpt.ForwardPath;
                refusal = address.Contains('@') ? null : SmtpReplies.UnknownUser;
            }
            else
            {
                address = rcpt.ForwardPath;
                refusal = await CheckRecipientAsync(address).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SmtpLog.LookupFailed(Log, e, "RCPT", Remote);
            Send(SmtpReplies.LocalError);
            return true;
        }
        if (refusal is not null)
        {
            SmtpLog.RecipientRefused(Log, rcpt.ForwardPath, Remote, refusal.ToString());
            return Error(refusal);
        }
        if (_recipientKeys.Add(address)) _recipients.Add(address);
        _state = next;
        Send(SmtpReplies.RecipientOk);
        return true;
    }

    /// <summary>Null when the recipient is acceptable, else the refusal.</summary>
    private async Task<SmtpReply?> CheckRecipientAsync(string address) =>
        await _s.Admission.CheckAsync(address, mayRelay: _authenticatedUser is not null, _io.Token).ConfigureAwait(false) switch
        {
            RecipientVerdict.Accepted => null,
            RecipientVerdict.UnknownUser => SmtpReplies.UnknownUser,
            RecipientVerdict.RelayDenied => SmtpReplies.RelayDenied,
            _ => SmtpReplies.NoRemoteRoute,
        };

    /// <summary>
    /// "&lt;Postmaster&gt;" without a domain (RFC 5321 §4.1.1.3, §4.5.1): postmaster of this host name's domain
    /// or, failing that, of the first local domain that has one. Null when no postmaster exists.
    /// </summary>
    private async Task<string?> PostmasterAddressAsync()
    {
        var candidates = new List<string> { _s.HostName };
        int dot = _s.HostName.IndexOf('.');
        if (dot > 0) candidates.Add(_s.HostName[(dot + 1)..]);
        candidates.AddRange(await _s.Directory.ListDomainsAsync(_io.Token).ConfigureAwait(false));
        foreach (string domain in candidates)
        {
            string address = "postmaster@" + domain.ToLowerInvariant();
            if (!await _s.Directory.IsLocalDomainAsync(domain, _io.Token).ConfigureAwait(false)) continue;
            if (!(await _s.Resolver.ResolveAsync(address, _io.Token).ConfigureAwait(false)).IsEmpty) return address;
        }
        return null;
    }

    /// <summary>Ends the open transaction, if any: envelope forgotten, partial BDAT blob discarded (RFC 5321 §4.1.1.5).</summary>
    private async ValueTask AbandonTransactionAsync()
    {
        _mail = null;
        _recipients.Clear();
        _recipientKeys.Clear();
        await AbandonChunkedMessageAsync().ConfigureAwait(false);
    }
}
