using CloudMail.Core.Messages;

namespace CloudMail.Core.Filtering.SenderLists;

/// <summary>
/// The owners a sender list can have: <see cref="Server"/> (every recipient), a domain (its recipients) or an address
/// (that recipient). Scope keys are trimmed and lower-cased, domains in A-label form.
/// </summary>
public static class SenderListScope
{
    /// <summary>The server-wide list.</summary>
    public const string Server = "";

    /// <summary>The canonical key of <paramref name="scope"/> (null or blank: <see cref="Server"/>).</summary>
    public static string Normalize(string? scope) =>
        string.IsNullOrWhiteSpace(scope) ? Server : MailAddresses.NormalizeScope(scope);

    /// <summary>The scopes whose lists apply to mail for <paramref name="recipient"/>, most specific first: the address, its domain, the server.</summary>
    public static IReadOnlyList<string> Of(string recipient)
    {
        string address = MailAddresses.Normalize(recipient);
        string domain = MailAddresses.DomainOf(address);
        return domain.Length == 0 ? [Server] : [address, domain, Server];
    }

    /// <summary>How a scope reads in messages: "server", the domain, or the address.</summary>
    public static string Describe(string scope) => scope.Length == 0 ? "server" : scope;
}
