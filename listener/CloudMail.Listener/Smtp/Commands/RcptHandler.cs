using CloudMail.Core.Directory;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Quotas;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Listener.Smtp.Commands;

/// <summary>
/// RCPT (RFC 5321 §4.1.1.3). A local domain's address must resolve (account, alias or catch-all) or it
/// gets 550 5.1.1 at once. Any other domain is relaying, allowed only for an authenticated session
/// (RFC 5321 §3.6.2, RFC 6409 §5); otherwise 554 5.7.1: never an open relay. A recipient only remote delivery
/// could take gets 550 5.7.1 while the server has no outbound route (<see cref="RecipientAdmission"/>). One whose every
/// mailbox is already over its quota gets 452 4.2.2 (<see cref="MailboxQuotas.RefusesAsync"/>). Unknown users
/// count against <see cref="SmtpOptions.MaxUnknownRecipients"/>; accepted ones against the hourly recipient limits
/// (<see cref="SendingRateLimiter"/>, 450 4.7.1 beyond). On port 25, the sender lists of the recipient, its domain and the
/// server (<see cref="SenderListPolicy"/>) may block the sender (550 5.7.1, postmaster excepted) or allow it (no DNSBL
/// refusal, no greylisting).
/// </summary>
internal static class RcptHandler
{
    public static async ValueTask<bool> HandleAsync(SmtpSession s, RcptCommand rcpt, SmtpState next)
    {
        var transaction = s.Transaction!; // the state table allows RCPT only after MAIL
        if (transaction.Recipients.Length >= s.Options.MaxRecipients)
        {
            s.Send(SmtpReplies.TooManyRecipients); // RFC 5321 §4.5.3.1.10: the client sends the rest later
            return true;
        }
        if (!transaction.Mail.SmtpUtf8 && !SmtpGrammar.IsAscii(rcpt.ForwardPath)) return s.Error(SmtpReplies.NonAsciiAddressWithoutSmtpUtf8);
        SmtpReply? refusal;
        string address;
        SenderListDecision? listed = null;
        try
        {
            if (rcpt.IsBarePostmaster || IsPostmasterAtOwnAddress(s, rcpt.ForwardPath))
            {
                address = await PostmasterAddressAsync(s).ConfigureAwait(false) ?? rcpt.ForwardPath;
                refusal = address.Contains('@') ? null : SmtpReplies.UnknownUser;
            }
            else
            {
                address = rcpt.ForwardPath;
                listed = await SenderListDecisionAsync(s, transaction.Mail.ReversePath, address).ConfigureAwait(false);
                // A blocklisted client may still write to postmaster (RFC 5321 §4.5.1), so that it can ask to be delisted;
                // a client the recipient's lists allow is not refused for a DNSBL listing.
                refusal = !IsPostmaster(address) && listed?.Kind != SenderListKind.Allow && await s.BlocklistingZoneAsync().ConfigureAwait(false) is { } zone
                    ? SmtpReplies.Blocklisted(s.Remote, zone)
                    : await CheckRecipientAsync(s, address).ConfigureAwait(false);
                if (refusal is null && listed?.Kind == SenderListKind.Block && !IsPostmaster(address)) refusal = SmtpReplies.SenderBlocked;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SmtpLog.LookupFailed(s.Log, e, "RCPT", s.Remote);
            s.Send(SmtpReplies.LocalError);
            return true;
        }
        if (refusal is not null)
        {
            SmtpLog.RecipientRefused(s.Log, rcpt.ForwardPath, s.Remote, refusal.ToString());
            CountRefusal(refusal == SmtpReplies.UnknownUser ? "unknown_user" : refusal == SmtpReplies.RelayDenied ? "relay_denied"
                : refusal == SmtpReplies.SenderBlocked ? "sender_blocked" : refusal == SmtpReplies.MailboxFull ? "mailbox_full" : refusal.Code == 554 ? "blocklisted" : "no_route");
            return refusal == SmtpReplies.UnknownUser ? s.UnknownRecipient(refusal) : s.Error(refusal);
        }
        // Greylisting: port 25 only, after the recipient is known to be acceptable (no greylisting of refusals).
        if (s.Services.Greylist is { } greylist && s.Connection.Kind == Network.EndpointKind.Smtp && s.Identity is null && listed is null
            && await greylist.CheckAsync(s.Connection.RemoteEndPoint.Address, transaction.Mail.ReversePath, address, s.Token).ConfigureAwait(false) is { Pass: false } grey)
        {
            s.Send(SmtpReplies.Greylisted((int)Math.Ceiling(grey.RetryAfter.TotalSeconds)));
            CountRefusal("greylisted");
            return true;
        }
        if (!s.Services.Rates.TryAddRecipient(s.RateKey, s.Identity?.Account))
        {
            s.Send(SmtpReplies.RecipientRateExceeded);
            CountRefusal("rate_limited");
            return true;
        }
        s.Advance(transaction.WithRecipient(address, rcpt), next);
        s.Send(SmtpReplies.RecipientOk);
        return true;
    }

    private static void CountRefusal(string reason) =>
        Core.Telemetry.CloudMailTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>
    /// What the sender lists of the recipient (plus tag removed), its domain and the server say of this sender and client;
    /// null when nothing, and always null for an authenticated session (a user's own mail is not list-checked).
    /// </summary>
    private static async Task<SenderListDecision?> SenderListDecisionAsync(SmtpSession s, string mailFrom, string recipient)
    {
        if (s.Services.SenderLists is not { } lists || s.Identity is not null) return null;
        string normalized = Core.Messages.MailAddresses.Normalize(recipient);
        string owner = s.Services.Resolver.WithoutPlusTag(normalized) ?? normalized;
        var decision = await lists.DecideAsync(owner, mailFrom, s.Connection.RemoteEndPoint.Address, s.Token).ConfigureAwait(false);
        if (decision is not null) SmtpLog.SenderListed(s.Log, mailFrom, recipient, s.Remote, decision.ToString());
        return decision;
    }

    /// <summary>
    /// <c>postmaster@[address]</c> naming the address the client connected to (RFC 5321 §4.1.3 address literal): the
    /// same mailbox as the bare <c>&lt;Postmaster&gt;</c> (§4.5.1), so that a client that knows only this host's address
    /// can still reach its postmaster, as Postfix takes it.
    /// </summary>
    private static bool IsPostmasterAtOwnAddress(SmtpSession s, string forwardPath)
    {
        int at = forwardPath.LastIndexOf('@');
        return at > 0 && forwardPath.AsSpan(0, at).Equals("postmaster", StringComparison.OrdinalIgnoreCase)
            && SmtpGrammar.TryParseAddressLiteral(forwardPath.AsSpan(at + 1), out var address) && address.Equals(s.Connection.LocalAddress);
    }

    private static bool IsPostmaster(string address) => address.StartsWith("postmaster@", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the recipient is acceptable, else the refusal.</summary>
    private static async Task<SmtpReply?> CheckRecipientAsync(SmtpSession s, string address) =>
        await s.Services.Admission.CheckAsync(address, mayRelay: s.Identity is not null, s.Token).ConfigureAwait(false) switch
        {
            RecipientVerdict.Accepted => await MailboxFullAsync(s, address).ConfigureAwait(false) ? SmtpReplies.MailboxFull : null,
            RecipientVerdict.UnknownUser => SmtpReplies.UnknownUser,
            RecipientVerdict.RelayDenied => SmtpReplies.RelayDenied,
            _ => SmtpReplies.NoRemoteRoute,
        };

    /// <summary>True when every mailbox <paramref name="address"/> reaches is already over its quota (RFC 3463 X.2.2).</summary>
    private static async Task<bool> MailboxFullAsync(SmtpSession s, string address)
    {
        if (s.Services.Quotas is not { } quotas) return false;
        var resolution = await s.Services.Resolver.ResolveAsync(address, s.Token).ConfigureAwait(false);
        return await quotas.RefusesAsync(resolution, s.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// "&lt;Postmaster&gt;" without a domain (RFC 5321 §4.1.1.3, §4.5.1): postmaster of this host name's domain
    /// or, failing that, of the first local domain that has one. Null when no postmaster exists.
    /// </summary>
    private static async Task<string?> PostmasterAddressAsync(SmtpSession s)
    {
        string hostName = s.Services.HostName;
        var candidates = new List<string> { hostName };
        int dot = hostName.IndexOf('.');
        if (dot > 0) candidates.Add(hostName[(dot + 1)..]);
        candidates.AddRange(await s.Services.Directory.ListDomainsAsync(s.Token).ConfigureAwait(false));
        foreach (string domain in candidates)
        {
            string address = "postmaster@" + domain.ToLowerInvariant();
            if (!await s.Services.Directory.IsLocalDomainAsync(domain, s.Token).ConfigureAwait(false)) continue;
            if (!(await s.Services.Resolver.ResolveAsync(address, s.Token).ConfigureAwait(false)).IsEmpty) return address;
        }
        return null;
    }
}
