using CloudMail.Core.Messages;

namespace CloudMail.Core.Routing;

/// <summary>Plus-addressing (subaddressing, RFC 5233's model): <c>user+tag@domain</c> names the mailbox <c>user@domain</c>.</summary>
public static class PlusAddress
{
    /// <summary>
    /// <paramref name="address"/> without its tag: the local part cut at the first <paramref name="separator"/>, or null
    /// when there is nothing to cut (separator empty or absent, or the local part starts with it: <c>+tag@domain</c> names no user).
    /// </summary>
    public static string? Strip(string address, string separator)
    {
        if (separator.Length == 0) return null;
        string local = MailAddresses.LocalPartOf(address);
        if (local.Length == address.Length) return null;
        int at = local.IndexOf(separator, StringComparison.OrdinalIgnoreCase);
        if (at <= 0) return null;
        return local[..at] + address[local.Length..];
    }
}
