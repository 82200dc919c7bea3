using CloudMail.Core.Messages;

namespace CloudMail.Core.Events;

/// <summary>Whose mail a webhook subscription is about: a local domain or an address in one. Keys are trimmed and lower-cased, domains in A-label form.</summary>
public static class WebhookScope
{
    /// <summary>The canonical key of <paramref name="scope"/> (a leading <c>@</c> is dropped: <c>@a.test</c> is the domain).</summary>
    public static string Normalize(string? scope) => MailAddresses.NormalizeScope(scope ?? "");

    /// <summary>The scopes whose subscriptions see mail of <paramref name="address"/>, most specific first: the address, then its domain.</summary>
    public static IReadOnlyList<string> Of(string address)
    {
        string normalized = MailAddresses.Normalize(address);
        string domain = MailAddresses.DomainOf(normalized);
        return domain.Length == 0 ? [] : [normalized, domain];
    }
}
