using System.Reflection;

namespace CloudMail.Filtering.Dmarc;

/// <summary>
/// The Public Suffix List (https://publicsuffix.org/list/) and the organizational domain of RFC 7489 §3.2 computed from
/// it. Rules: a plain rule, a wildcard <c>*.x</c>, an exception <c>!y.x</c>; the longest matching rule wins, an exception
/// beats a wildcard, and a name no rule matches has the implicit rule <c>*</c> (its TLD is the suffix). Rules in Unicode
/// (U-labels, as the list writes them) hold for names in either form: each is also kept in its ASCII form (A-labels,
/// <c>xn--</c>, as DNS and most mail headers carry them). The code ships the full list as an embedded resource
/// (<see cref="Embedded"/>, checked against the list project's own test vectors); <see cref="Load"/> reads a newer copy.
/// </summary>
public sealed class PublicSuffixList
{
    private readonly HashSet<string> _rules;
    private readonly HashSet<string> _wildcards;
    private readonly HashSet<string> _exceptions;

    private PublicSuffixList(IEnumerable<string> lines)
    {
        _rules = new(StringComparer.OrdinalIgnoreCase);
        _wildcards = new(StringComparer.OrdinalIgnoreCase);
        _exceptions = new(StringComparer.OrdinalIgnoreCase);
        var idn = new System.Globalization.IdnMapping(); // its instance members are not documented as thread-safe: one per list
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            int space = line.IndexOfAny([' ', '\t']);
            if (space >= 0) line = line[..space];
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal)) continue;
            var (set, rule) = line.StartsWith('!') ? (_exceptions, line[1..])
                : line.StartsWith("*.", StringComparison.Ordinal) ? (_wildcards, line[2..])
                : (_rules, line);
            set.Add(rule);
            if (AsciiForm(idn, rule) is { } ascii) set.Add(ascii);
        }
    }

    /// <summary>The A-label form of a rule written with non-ASCII labels; null when it is ASCII already or not a valid IDN.</summary>
    private static string? AsciiForm(System.Globalization.IdnMapping idn, string rule)
    {
        if (rule.All(char.IsAscii)) return null;
        try
        {
            return idn.GetAscii(rule);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Rules read from the list text (the format of public_suffix_list.dat). Never throws for content.</summary>
    public static PublicSuffixList Parse(string text) => new(text.Split('\n'));

    /// <summary>The list shipped with the code (the resource <c>public_suffix_list.dat</c>).</summary>
    public static PublicSuffixList Embedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("CloudMail.Filtering.public_suffix_list.dat")
            ?? throw new InvalidOperationException("The embedded public_suffix_list.dat is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>The list at <paramref name="path"/>, or the embedded one when <paramref name="path"/> is empty.</summary>
    public static PublicSuffixList Load(string? path) => string.IsNullOrWhiteSpace(path) ? Embedded() : Parse(File.ReadAllText(path));

    /// <summary>The public suffix of <paramref name="domain"/> (e.g. <c>co.uk</c> for <c>mail.example.co.uk</c>).</summary>
    public string PublicSuffix(string domain)
    {
        string[] labels = domain.TrimEnd('.').ToLowerInvariant().Split('.');
        int suffixLabels = 1; // implicit "*" rule
        for (int i = 0; i < labels.Length; i++)
        {
            string candidate = string.Join('.', labels[i..]);
            int count = labels.Length - i;
            if (_exceptions.Contains(candidate)) { suffixLabels = count - 1; break; }
            if (_rules.Contains(candidate) && count > suffixLabels) suffixLabels = count;
            if (i + 1 < labels.Length && _wildcards.Contains(string.Join('.', labels[(i + 1)..])) && count > suffixLabels) suffixLabels = count;
        }
        return string.Join('.', labels[^Math.Min(suffixLabels, labels.Length)..]);
    }

    /// <summary>RFC 7489 §3.2: the public suffix plus one label; the name itself when it is a public suffix.</summary>
    public string OrganizationalDomain(string domain)
    {
        string[] labels = domain.TrimEnd('.').ToLowerInvariant().Split('.');
        int suffix = PublicSuffix(domain).Split('.').Length;
        return string.Join('.', labels[^Math.Min(suffix + 1, labels.Length)..]);
    }
}
