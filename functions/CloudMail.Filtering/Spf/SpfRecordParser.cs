using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CloudMail.Filtering.Spf;

/// <summary>
/// Parses an SPF record (RFC 7208 §4.6 and the ABNF of §12) into an <see cref="SpfRecord"/>. Pure; never throws: any
/// syntax error, a duplicated <c>redirect</c>/<c>exp</c> (§6), an unknown mechanism or a bad macro string is reported as
/// the error that makes the record a permerror (§4.6). Unknown modifiers are ignored (§6).
/// </summary>
public static class SpfRecordParser
{
    /// <summary>True when <paramref name="txt"/> is an SPF record: "v=spf1" then a space or its end (§4.5).</summary>
    public static bool IsSpfRecord(string txt) =>
        txt.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (txt.Length == 6 || txt[6] == ' ');

    public static SpfParseResult Parse(string record)
    {
        if (!IsSpfRecord(record)) return SpfParseResult.Invalid("not an SPF record");
        var directives = new List<SpfDirective>();
        string? redirect = null, exp = null;
        foreach (string term in record[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = ModifierNameLength(term);
            if (eq > 0)
            {
                string name = term[..eq], value = term[(eq + 1)..];
                if (!SpfMacro.IsValid(value, explanation: false)) return SpfParseResult.Invalid($"bad macro string in '{term}'");
                if (name.Equals("redirect", StringComparison.OrdinalIgnoreCase))
                {
                    if (redirect is not null) return SpfParseResult.Invalid("redirect given twice (RFC 7208 §6)");
                    if (!IsDomainSpec(value)) return SpfParseResult.Invalid($"bad domain-spec in '{term}'");
                    redirect = value;
                }
                else if (name.Equals("exp", StringComparison.OrdinalIgnoreCase))
                {
                    if (exp is not null) return SpfParseResult.Invalid("exp given twice (RFC 7208 §6)");
                    if (!IsDomainSpec(value)) return SpfParseResult.Invalid($"bad domain-spec in '{term}'");
                    exp = value;
                }
                continue;
            }
            var directive = ParseDirective(term);
            if (directive is null) return SpfParseResult.Invalid($"unknown or malformed mechanism '{term}'");
            directives.Add(directive);
        }
        return new SpfParseResult(new SpfRecord(directives, redirect, exp), null);
    }

    /// <summary>The length of the modifier name when <paramref name="term"/> is <c>name=...</c> (§12 name), else 0.</summary>
    private static int ModifierNameLength(string term)
    {
        if (term.Length == 0 || !char.IsAsciiLetter(term[0])) return 0;
        for (int i = 1; i < term.Length; i++)
        {
            char c = term[i];
            if (c == '=') return i;
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')) return 0;
        }
        return 0;
    }

    private static SpfDirective? ParseDirective(string term)
    {
        var qualifier = term[0] switch
        {
            '+' => SpfQualifier.Pass,
            '-' => SpfQualifier.Fail,
            '~' => SpfQualifier.SoftFail,
            '?' => SpfQualifier.Neutral,
            _ => (SpfQualifier?)null,
        };
        string body = qualifier is null ? term : term[1..];
        int end = 0;
        while (end < body.Length && char.IsAsciiLetterOrDigit(body[end])) end++;
        string name = body[..end].ToLowerInvariant(), rest = body[end..];
        var q = qualifier ?? SpfQualifier.Pass;
        return name switch
        {
            "all" when rest.Length == 0 => new SpfDirective(q, SpfMechanismKind.All),
            "include" => RequiredDomain(q, SpfMechanismKind.Include, rest),
            "exists" => RequiredDomain(q, SpfMechanismKind.Exists, rest),
            "ptr" => rest.Length == 0 ? new SpfDirective(q, SpfMechanismKind.Ptr) : RequiredDomain(q, SpfMechanismKind.Ptr, rest),
            "a" => WithDualCidr(q, SpfMechanismKind.A, rest),
            "mx" => WithDualCidr(q, SpfMechanismKind.Mx, rest),
            "ip4" => Network(q, SpfMechanismKind.Ip4, rest, AddressFamily.InterNetwork, 32),
            "ip6" => Network(q, SpfMechanismKind.Ip6, rest, AddressFamily.InterNetworkV6, 128),
            _ => null,
        };
    }

    private static SpfDirective? RequiredDomain(SpfQualifier q, SpfMechanismKind kind, string rest) =>
        rest.Length > 1 && rest[0] == ':' && IsDomainSpec(rest[1..]) ? new SpfDirective(q, kind, rest[1..]) : null;

    /// <summary><c>a</c> / <c>mx</c>: <c>[":" domain-spec] [dual-cidr-length]</c> (§5.3, §5.4, §12).</summary>
    private static SpfDirective? WithDualCidr(SpfQualifier q, SpfMechanismKind kind, string rest)
    {
        int slash = CidrStart(rest);
        string domainPart = rest[..slash], cidr = rest[slash..];
        string? domain = null;
        if (domainPart.Length > 0)
        {
            if (domainPart[0] != ':' || !IsDomainSpec(domainPart[1..])) return null;
            domain = domainPart[1..];
        }
        int cidr4 = 32, cidr6 = 128;
        if (cidr.Length > 0)
        {
            string[] parts = cidr[1..].Split('/');
            // "/24", "/24//64", "//64"
            if (parts.Length == 1) { if (!TryCidr(parts[0], 32, out cidr4)) return null; }
            else if (parts.Length == 3 && parts[1].Length == 0)
            {
                if (parts[0].Length > 0 && !TryCidr(parts[0], 32, out cidr4)) return null;
                if (!TryCidr(parts[2], 128, out cidr6)) return null;
            }
            else if (parts.Length == 2 && parts[0].Length == 0)
            {
                if (!TryCidr(parts[1], 128, out cidr6)) return null;
            }
            else return null;
        }
        return new SpfDirective(q, kind, domain, null, cidr4, cidr6);
    }

    private static SpfDirective? Network(SpfQualifier q, SpfMechanismKind kind, string rest, AddressFamily family, int max)
    {
        if (rest.Length < 2 || rest[0] != ':') return null;
        string value = rest[1..];
        int slash = value.IndexOf('/');
        int cidr = max;
        if (slash >= 0 && !TryCidr(value[(slash + 1)..], max, out cidr)) return null;
        string address = slash >= 0 ? value[..slash] : value;
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != family) return null;
        if (family == AddressFamily.InterNetwork && address.Count(c => c == '.') != 3) return null; // "1.2.3" is no ip4-network
        return new SpfDirective(q, kind, null, ip, family == AddressFamily.InterNetwork ? cidr : 32, family == AddressFamily.InterNetworkV6 ? cidr : 128);
    }

    /// <summary>§12 ip4-cidr-length / ip6-cidr-length: no leading zero, within 0..<paramref name="max"/>.</summary>
    private static bool TryCidr(string text, int max, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 3 || (text.Length > 1 && text[0] == '0') || !text.All(char.IsAsciiDigit)) return false;
        value = int.Parse(text, CultureInfo.InvariantCulture);
        return value <= max;
    }

    /// <summary>
    /// Where the dual-cidr-length of an <c>a</c>/<c>mx</c> term starts: the suffix <c>["/" digits] ["//" digits]</c> outside
    /// a macro expansion, or the length when there is none. A '/' elsewhere belongs to the domain-spec, which may hold any
    /// visible character but '%' outside macros (§7.1: <c>a:foo:bar/baz.example.com</c> names the host
    /// <c>foo:bar/baz.example.com</c>). The digits are checked by the caller (no leading zero, in range).
    /// </summary>
    private static int CidrStart(string text)
    {
        int start = text.Length;
        int ip6 = SlashDigits(text, start);
        if (ip6 >= 1 && text[ip6 - 1] == '/') start = ip6 - 1; // "//64"
        int ip4 = SlashDigits(text, start);
        if (ip4 >= 0) start = ip4;
        return InMacro(text, start) ? text.Length : start;
    }

    /// <summary>The index of a '/' followed by one or more digits that end at <paramref name="end"/>, or -1.</summary>
    private static int SlashDigits(string text, int end)
    {
        int i = end;
        while (i > 0 && char.IsAsciiDigit(text[i - 1])) i--;
        return i < end && i > 0 && text[i - 1] == '/' ? i - 1 : -1;
    }

    /// <summary>True when <paramref name="index"/> lies inside a <c>%{...}</c> expansion of <paramref name="text"/>.</summary>
    private static bool InMacro(string text, int index)
    {
        bool inMacro = false;
        for (int i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '%' && i + 1 < text.Length && text[i + 1] == '{') inMacro = true;
            else if (text[i] == '}') inMacro = false;
        }
        return inMacro;
    }

    /// <summary>§12 domain-spec: a valid macro string that ends in <c>"." toplabel ["."]</c> or a macro expansion.</summary>
    internal static bool IsDomainSpec(string spec)
    {
        if (spec.Length == 0 || !SpfMacro.IsValid(spec, explanation: false)) return false;
        if (spec.EndsWith('}') && spec.Contains("%{", StringComparison.Ordinal)) return true;
        string trimmed = spec.EndsWith('.') ? spec[..^1] : spec;
        int dot = trimmed.LastIndexOf('.');
        if (dot < 0) return false;
        string top = trimmed[(dot + 1)..];
        return top.Length > 0 && top.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && top[0] != '-' && top[^1] != '-'
            && !top.All(char.IsAsciiDigit);
    }
}
