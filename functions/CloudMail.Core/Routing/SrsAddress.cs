using CloudMail.Core.Messages;

namespace CloudMail.Core.Routing;

/// <summary>
/// An address in the Sender Rewriting Scheme (SRS; Shevek, "Sender Rewriting Scheme", 2004; as libsrs2 and Postfix's
/// postsrsd write it, with "=" as the separator): the envelope sender a forwarder puts on mail it passes on, so that SPF
/// checks its own domain, and that turns back into the original sender when a bounce comes back. Parsing is pure and
/// never throws; the hash is checked by <see cref="SrsRewriter"/>.
/// </summary>
/// <param name="Hash">The HHHH field as written (compared case-insensitively).</param>
/// <param name="SrsDomain">The forwarder's domain, after the '@' (lower-cased).</param>
public abstract record SrsAddress(string Hash, string SrsDomain)
{
    /// <summary>The address as text.</summary>
    public abstract string Format();

    /// <summary>The text the hash is computed over (lower-cased, so that a hop changing case breaks nothing).</summary>
    public abstract string HashedData { get; }

    /// <summary>Where a bounce to this address goes next: the original sender (SRS0) or the first forwarder's SRS0 address (SRS1).</summary>
    public abstract string ReturnAddress { get; }

    /// <summary>True when the local part starts with <c>SRS0=</c> or <c>SRS1=</c> (any case): the address claims to be SRS.</summary>
    public static bool LooksLikeSrs(string address)
    {
        string local = MailAddresses.LocalPartOf(address);
        return local.Length > 5 && local[4] == '=' && (local.StartsWith("SRS0", StringComparison.OrdinalIgnoreCase)
            || local.StartsWith("SRS1", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Parses an SRS0 or SRS1 address; null when <paramref name="address"/> is not one (never throws).</summary>
    public static SrsAddress? Parse(string address)
    {
        if (!LooksLikeSrs(address)) return null;
        string local = MailAddresses.LocalPartOf(address);
        string domain = MailAddresses.DomainOf(address);
        if (domain.Length == 0) return null;
        string rest = local[5..];
        return char.ToUpperInvariant(local[3]) == '0' ? Srs0Address.ParseFields(rest, domain) : Srs1Address.ParseFields(rest, domain);
    }
}

/// <summary><c>SRS0=HHHH=TT=orig-domain=orig-local@srs-domain</c>: a forwarder's rewrite of an ordinary sender.</summary>
/// <param name="Timestamp">TT (<see cref="SrsTimestamp"/>).</param>
/// <param name="OriginalDomain">The original sender's domain.</param>
/// <param name="OriginalLocalPart">The original sender's local part (may itself contain '=').</param>
public sealed record Srs0Address(string Hash, string Timestamp, string OriginalDomain, string OriginalLocalPart, string SrsDomain)
    : SrsAddress(Hash, SrsDomain)
{
    /// <inheritdoc/>
    public override string Format() => $"SRS0={Hash}={Timestamp}={OriginalDomain}={OriginalLocalPart}@{SrsDomain}";

    /// <summary>TT + domain + local, as the scheme defines the SRS0 hash.</summary>
    public override string HashedData => (Timestamp + OriginalDomain + OriginalLocalPart).ToLowerInvariant();

    /// <summary>The original sender.</summary>
    public override string ReturnAddress => $"{OriginalLocalPart}@{OriginalDomain}";

    /// <summary>The part after <c>SRS0=</c>, as an SRS1 address carries it.</summary>
    public string Opaque => $"{Hash}={Timestamp}={OriginalDomain}={OriginalLocalPart}";

    internal static Srs0Address? ParseFields(string rest, string srsDomain)
    {
        string[] fields = rest.Split('=', 4);
        if (fields.Length != 4 || fields.Any(f => f.Length == 0) || fields[1].Length != 2) return null;
        return new Srs0Address(fields[0], fields[1], fields[2].ToLowerInvariant(), fields[3], srsDomain);
    }
}

/// <summary>
/// <c>SRS1=HHHH=first-hop==opaque@srs-domain</c>: a second forwarder's rewrite of an SRS0 sender. A bounce goes straight
/// back to the first forwarder as <c>SRS0=opaque@first-hop</c>; only the first forwarder can check the inner hash.
/// </summary>
/// <param name="FirstHopDomain">The domain of the SRS0 address that was rewritten.</param>
/// <param name="Opaque">That SRS0 address's local part after <c>SRS0=</c> (<c>HHHH=TT=domain=local</c>).</param>
public sealed record Srs1Address(string Hash, string FirstHopDomain, string Opaque, string SrsDomain) : SrsAddress(Hash, SrsDomain)
{
    /// <inheritdoc/>
    public override string Format() => $"SRS1={Hash}={FirstHopDomain}=={Opaque}@{SrsDomain}";

    /// <summary>first-hop + "=" + opaque (libsrs2's SRS1 hash input).</summary>
    public override string HashedData => (FirstHopDomain + "=" + Opaque).ToLowerInvariant();

    /// <summary>The first forwarder's SRS0 address.</summary>
    public override string ReturnAddress => $"SRS0={Opaque}@{FirstHopDomain}";

    internal static Srs1Address? ParseFields(string rest, string srsDomain)
    {
        string[] fields = rest.Split('=', 3);
        if (fields.Length != 3 || fields[0].Length == 0 || fields[1].Length == 0 || fields[2].Length < 2 || fields[2][0] != '=') return null;
        return new Srs1Address(fields[0], fields[1].ToLowerInvariant(), fields[2][1..], srsDomain);
    }
}
