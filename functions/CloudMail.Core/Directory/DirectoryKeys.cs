using CloudMail.Core.Messages;

namespace CloudMail.Core.Directory;

/// <summary>
/// How every directory backend turns caller input into lookup keys: trimmed and lower-cased, domains in A-label form
/// (<see cref="MailAddresses.AsciiDomain"/>: <c>bücher.example</c> is <c>xn--bcher-kva.example</c>). Throws
/// <see cref="ArgumentException"/> for empty input, so a backend never stores an unreachable row.
/// </summary>
public static class DirectoryKeys
{
    public static string Domain(string domain)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        return MailAddresses.AsciiDomain(domain.Trim());
    }

    public static string Address(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        return MailAddresses.Normalize(address);
    }

    /// <summary>The lower-cased domain of <paramref name="address"/>; throws when it has none.</summary>
    public static string RequireDomainPart(string address)
    {
        string domain = MailAddresses.DomainOf(address);
        if (domain.Length == 0) throw new ArgumentException($"'{address}' has no domain part.", nameof(address));
        return domain;
    }
}
