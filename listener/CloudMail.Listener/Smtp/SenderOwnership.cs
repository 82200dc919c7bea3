using CloudMail.Core.Messages;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// Whether an authenticated user may send as an address (RFC 6409 §8.1 lets the MSA enforce it): the account's own
/// address, or an alias whose targets include it, either one with a plus tag (<c>user+tag@domain</c>, the address that
/// delivers to <c>user</c>). Used for MAIL FROM and for the From and Sender fields of a submitted message.
/// </summary>
internal static class SenderOwnership
{
    /// <summary>True when <paramref name="account"/> may use <paramref name="address"/>. Throws what the directory throws.</summary>
    public static async Task<bool> OwnsAsync(SmtpSessionServices services, string account, string address, CancellationToken cancellationToken)
    {
        string normalized = MailAddresses.Normalize(address);
        if (await OwnsUntaggedAsync(services, account, normalized, cancellationToken).ConfigureAwait(false)) return true;
        return services.Resolver.WithoutPlusTag(normalized) is { } untagged
               && await OwnsUntaggedAsync(services, account, untagged, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> OwnsUntaggedAsync(SmtpSessionServices services, string account, string normalized, CancellationToken cancellationToken)
    {
        if (string.Equals(normalized, account, StringComparison.OrdinalIgnoreCase)) return true;
        var targets = await services.Directory.GetAliasTargetsAsync(normalized, cancellationToken).ConfigureAwait(false);
        foreach (string target in targets)
        {
            if (string.Equals(MailAddresses.Normalize(target), account, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
