using System.Text.RegularExpressions;
using CloudMail.Filtering.Dmarc;

namespace CloudMail.Filtering.Tests.Dmarc;

/// <summary>
/// The Public Suffix List project's own test vectors (test_psl.txt, as Debian's publicsuffix package ships them beside
/// its copy of the list): <c>checkPublicSuffix(name, registrable)</c> for each, with the list of the same package and with
/// the list shipped with CloudMail. A registrable domain is the organizational domain of RFC 7489 §3.2; where the vector
/// says null the name is itself a public suffix (the organizational domain is then the name, by §3.2's step 3). Names with
/// a leading dot have no answer in DMARC; only that they do not throw is checked.
/// </summary>
public sealed partial class PublicSuffixTestVectorTests
{
    private const string Vectors = "/usr/share/doc/publicsuffix/examples/test_psl.txt";
    private const string DebianList = "/usr/share/publicsuffix/public_suffix_list.dat";

    [GeneratedRegex(@"^checkPublicSuffix\((null|'([^']*)'), (null|'([^']*)')\);", RegexOptions.Multiline)]
    private static partial Regex Check();

    public static TheoryData<string> Lists => new() { DebianList, "embedded" };

    [Theory]
    [MemberData(nameof(Lists))]
    public void Every_vector_of_test_psl_holds(string list)
    {
        var psl = list == "embedded" ? PublicSuffixList.Embedded() : PublicSuffixList.Load(list);
        var matches = Check().Matches(File.ReadAllText(Vectors));
        Assert.True(matches.Count > 60, $"only {matches.Count} vectors read");
        var failures = new List<string>();
        foreach (Match m in matches)
        {
            if (m.Groups[1].Value == "null") continue;
            string name = m.Groups[2].Value;
            string? registrable = m.Groups[3].Value == "null" ? null : m.Groups[4].Value;
            string organizational = psl.OrganizationalDomain(name);
            if (name.StartsWith('.')) continue;
            string expected = registrable ?? name.ToLowerInvariant();
            if (organizational != expected) failures.Add($"{name}: {organizational}, expected {expected}");
            if (registrable is null && psl.PublicSuffix(name) != name.ToLowerInvariant())
                failures.Add($"{name} is a public suffix, got suffix {psl.PublicSuffix(name)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
