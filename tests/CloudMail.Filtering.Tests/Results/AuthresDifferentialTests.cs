using System.Text.Json;
using CloudMail.Core.Dmarc;
using CloudMail.Filtering.Dkim;
using CloudMail.Filtering.Dmarc;
using CloudMail.Filtering.Results;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Tests.Results;

/// <summary>
/// CloudMail's Authentication-Results field read back by an independent RFC 8601 parser, python3-authres (Debian's, the one
/// dkimpy's ARC uses): every method, result and property comes back as written, including SMTP identities the client
/// chose (a HELO address literal, a quoted local part holding ';' and '=') and reasons with quotes, backslashes and
/// parentheses; nothing the client wrote reads as a result of its own.
/// </summary>
public sealed class AuthresDifferentialTests
{
    /// <summary>Parses each field in argv[1:] (files) and prints one JSON line per field: [authserv-id, [[method, result, {ptype.property: value}], ...]].</summary>
    private const string ParseScript = """
        import authres, json, sys
        for path in sys.argv[1:]:
            header = authres.AuthenticationResultsHeader.parse(open(path, encoding='utf-8').read().strip())
            print(json.dumps([header.authserv_id, [[r.method, r.result, {p.type + '.' + p.name: p.value for p in r.properties}] for r in header.results]]))
        """;

    public static TheoryData<string, string> Identities => new()
    {
        { "smtp.mailfrom", "alice@sender.test" },
        { "smtp.helo", "[192.0.2.1]" },
        { "smtp.helo", "[IPv6:2001:db8::1]" },
        { "smtp.mailfrom", "\"a;b dkim=pass header.d=bank.test\"@evil.test" },
        { "smtp.mailfrom", "\"back\\\\slash\"@evil.test" },
    };

    [Theory]
    [MemberData(nameof(Identities))]
    public async Task The_field_parses_with_authres_and_carries_the_identity_as_given(string property, string identity)
    {
        var report = new AuthenticationReport(
            new SpfOutcome(SpfResult.Fail, "evil.test", "matched -all (\"quoted\") \\ and (nested)"), property + "=" + identity,
            [new DkimResult("fail", "sender.test", "sel", false, "said \"no\" \\ twice"), new DkimResult("pass", "other.test", "s1", true, "body length limited (l=)")],
            new DmarcOutcome("fail", "sender.test", DmarcPolicy.Reject, DmarcPolicy.Reject, "not aligned"), "fail", "seal (did) not \"verify\"");
        string field = AuthenticationResults.Format("mx.receiver.test", report);
        string file = Path.Combine(Path.GetTempPath(), "cloudmail-ar-" + Guid.NewGuid().ToString("N") + ".txt");
        await File.WriteAllTextAsync(file, field);
        try
        {
            using var parsed = JsonDocument.Parse(await Python.RunDebianAsync(ParseScript, file));
            JsonElement root = parsed.RootElement;
            Assert.Equal("mx.receiver.test", root[0].GetString());
            var methods = root[1].EnumerateArray().Select(m => $"{m[0].GetString()}={m[1].GetString()}").ToList();
            Assert.Equal(["spf=fail", "dkim=fail", "dkim=pass", "dmarc=fail", "arc=fail"], methods);
            Assert.Equal(identity, Unquoted(root[1][0][2].GetProperty(property).GetString()!));
            Assert.Equal(("sender.test", "sel"), (root[1][1][2].GetProperty("header.d").GetString(), root[1][1][2].GetProperty("header.s").GetString()));
            Assert.Equal("sender.test", root[1][3][2].GetProperty("header.from").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// The text a value stands for: authres hands a quoted-string back without its outer quotes but with its quoted-pairs
    /// (RFC 5322 §3.2.1) still escaped; a bare value has no backslash.
    /// </summary>
    private static string Unquoted(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < value.Length; i++) sb.Append(value[i] == '\\' && i + 1 < value.Length ? value[++i] : value[i]);
        return sb.ToString();
    }
}
