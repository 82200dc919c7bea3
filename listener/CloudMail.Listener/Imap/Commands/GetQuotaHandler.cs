using CloudMail.Core.Quotas;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// GETQUOTA (RFC 9208 §4.2.1). An account has one quota root, <see cref="AccountRoot"/> (""), covering all its mailboxes,
/// and only while it has a limit: an unlimited account has no quota root (a QUOTA response needs a resource, RFC 9208 §6).
/// STORAGE is reported in units of 1024 octets (§5.1): usage rounded up, limit rounded down; MESSAGE in messages (§5.2).
/// </summary>
internal static class GetQuotaHandler
{
    /// <summary>The name of the account's quota root.</summary>
    public const string AccountRoot = "";

    public static async Task<ImapCompletion> HandleAsync(ImapSession s, GetQuotaCommand command, CancellationToken ct)
    {
        if (command.Root != AccountRoot) return ImapCompletion.No(ImapResponseCodes.NonExistent, "No such quota root");
        if (await s.Services.Quotas.GetStatusAsync(s.Account, ct).ConfigureAwait(false) is not { Limits.IsUnlimited: false } status)
            return ImapCompletion.No(ImapResponseCodes.NonExistent, "No quota applies to this account");
        Write(s, status);
        return ImapCompletion.Ok("GETQUOTA completed");
    }

    /// <summary><c>* QUOTA "" (STORAGE used limit MESSAGE used limit)</c>, each resource only when it is limited.</summary>
    public static void Write(ImapSession s, QuotaStatus status)
    {
        var w = s.W.Raw("* QUOTA ").Quoted(AccountRoot).Raw(" (");
        if (status.Limits.StorageBytes > 0)
            w.Raw("STORAGE ").Number((status.Usage.Bytes + 1023) / 1024).Sp().Number(status.Limits.StorageBytes / 1024);
        if (status.Limits.StorageBytes > 0 && status.Limits.Messages > 0) w.Sp();
        if (status.Limits.Messages > 0) w.Raw("MESSAGE ").Number(status.Usage.Messages).Sp().Number(status.Limits.Messages);
        w.Raw(")").Crlf();
    }
}
