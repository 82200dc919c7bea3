using System.Net;

namespace CloudMail.Filtering.Spf;

/// <summary>Qualifiers of RFC 7208 §4.6.2: what a matching mechanism returns.</summary>
public enum SpfQualifier
{
    Pass,
    Fail,
    SoftFail,
    Neutral,
}

/// <summary>The mechanisms of RFC 7208 §5.</summary>
public enum SpfMechanismKind
{
    All,
    Include,
    A,
    Mx,
    Ptr,
    Ip4,
    Ip6,
    Exists,
}

/// <summary>
/// One directive of a record: qualifier, mechanism, and its arguments (<see cref="DomainSpec"/> unexpanded, null when the
/// mechanism has none and the current domain applies; <see cref="Network"/> for ip4/ip6; the dual CIDR lengths of a/mx).
/// </summary>
public sealed record SpfDirective(SpfQualifier Qualifier, SpfMechanismKind Kind, string? DomainSpec = null, IPAddress? Network = null,
    int Cidr4 = 32, int Cidr6 = 128);

/// <summary>A parsed <c>v=spf1</c> record: its directives in order, and the <c>redirect=</c> and <c>exp=</c> modifiers.</summary>
public sealed record SpfRecord(IReadOnlyList<SpfDirective> Directives, string? Redirect, string? Explanation);

/// <summary>What <see cref="SpfRecordParser.Parse"/> made of a record: the record, or why it is a permerror.</summary>
public sealed record SpfParseResult(SpfRecord? Record, string? Error)
{
    public static SpfParseResult Invalid(string error) => new(null, error);
}
