using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// SETQUOTA (RFC 9208 §4.2.3): always NO [NOPERM]. Limits are the administrator's (<c>cloudmail user quota</c>); a user
/// may not raise their own, which RFC 9208 allows a server to refuse (QUOTASET is not advertised).
/// </summary>
internal static class SetQuotaHandler
{
    public static Task<ImapCompletion> HandleAsync(ImapSession s, SetQuotaCommand command, CancellationToken ct) =>
        Task.FromResult(ImapCompletion.No(ImapResponseCodes.NoPerm, "Quota limits are set by the administrator"));
}
