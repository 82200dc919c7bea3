using CloudMail.Core.Delivery;
using CloudMail.Core.Messages;

namespace CloudMail.Core.Directory;

/// <summary>What <see cref="RecipientAdmission.CheckAsync"/> decided for one envelope recipient.</summary>
public enum RecipientVerdict
{
    /// <summary>Something will deliver it: a local account receives a copy, or a remote route exists.</summary>
    Accepted,

    /// <summary>A local domain's address that is no account, alias or catch-all (SMTP <c>550 5.1.1</c>).</summary>
    UnknownUser,

    /// <summary>A remote address from an unauthenticated client: relaying is refused (SMTP <c>554 5.7.1</c>).</summary>
    RelayDenied,

    /// <summary>
    /// Only remote delivery could take it (a remote address, or a local alias whose targets are all remote) and
    /// <see cref="IRemoteDeliveryRoute.CanDeliverRemotely"/> is false (SMTP <c>550 5.7.1</c>, send API 422).
    /// </summary>
    NoRemoteRoute,
}

/// <summary>
/// The one decision whether an envelope recipient may be accepted, shared by the SMTP RCPT command (every port) and the
/// send API, so that nothing is accepted that nothing will deliver or bounce. A local domain's address must resolve
/// (account, alias, plus-address or catch-all, <see cref="RecipientResolver"/>); if it reaches no local account, only remote
/// delivery could take it. That includes a valid SRS bounce address (<see cref="Routing.SrsRewriter"/>), which is therefore
/// accepted from any client, like an alias; a forged or expired one resolves to nothing (unknown user). Any other domain is relaying (RFC 5321 §3.6.2), allowed only when <c>mayRelay</c> (an authenticated
/// submission, RFC 6409 §5, or an API key) and only while a remote route exists (<see cref="IRemoteDeliveryRoute"/>).
/// An alias that reaches local accounts and remote targets is accepted: the local copies are delivered, and the inbound
/// stage records the forwards it cannot deliver in the delivery log (see <see cref="Pipeline.InboundProcessor"/>).
/// </summary>
public sealed class RecipientAdmission(IMailDirectory directory, RecipientResolver resolver, IRemoteDeliveryRoute route)
{
    /// <summary>
    /// Decides for <paramref name="address"/>. <paramref name="mayRelay"/> says whether the client may send to other
    /// domains at all. Directory failures propagate (the caller answers with a temporary error).
    /// </summary>
    public async Task<RecipientVerdict> CheckAsync(string address, bool mayRelay, CancellationToken cancellationToken)
    {
        string domain = MailAddresses.DomainOf(address);
        if (domain.Length > 0 && await directory.IsLocalDomainAsync(domain, cancellationToken).ConfigureAwait(false))
        {
            var resolution = await resolver.ResolveAsync(address, cancellationToken).ConfigureAwait(false);
            if (resolution.IsEmpty) return RecipientVerdict.UnknownUser;
            return resolution.LocalAccounts.Count > 0 || route.CanDeliverRemotely ? RecipientVerdict.Accepted : RecipientVerdict.NoRemoteRoute;
        }
        if (!mayRelay) return RecipientVerdict.RelayDenied;
        return route.CanDeliverRemotely ? RecipientVerdict.Accepted : RecipientVerdict.NoRemoteRoute;
    }
}
