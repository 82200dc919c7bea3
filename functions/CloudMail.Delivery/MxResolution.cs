using System.Net;
using CloudMail.Core.Delivery;

namespace CloudMail.Delivery;

/// <summary>One host mail for a domain may go to, with the addresses to try in order.</summary>
/// <param name="Name">The host name without the trailing dot (the domain itself for an implicit MX).</param>
/// <param name="Preference">MX preference (lower first); 0 for an implicit MX.</param>
public sealed record MxHost(string Name, int Preference, IReadOnlyList<IPAddress> Addresses);

/// <summary>Where a domain's mail goes (RFC 5321 §5.1), or why it cannot go anywhere now or ever.</summary>
public abstract record MxResolution
{
    private MxResolution() { }

    /// <summary>Hosts to try in order (preference order, equal preferences shuffled), each with at least one address.</summary>
    public sealed record Found(IReadOnlyList<MxHost> Hosts) : MxResolution;

    /// <summary>No host: <paramref name="Outcome"/> says whether to retry, <paramref name="Reply"/> is the reply for the log and the bounce.</summary>
    public sealed record Failed(RecipientOutcome Outcome, string Reply) : MxResolution;
}
