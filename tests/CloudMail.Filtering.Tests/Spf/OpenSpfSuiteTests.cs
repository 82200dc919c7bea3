using System.Net;
using System.Text.Json;
using CloudMail.Filtering.Spf;

namespace CloudMail.Filtering.Tests.Spf;

/// <summary>
/// The openspf.org RFC 7208 test suite (release 2014.04, as Debian's python3-spf ships it in
/// /usr/share/doc/python3-spf/rfc7208-tests.yml.gz), every test case run through <see cref="SpfEvaluator"/> with its
/// scenario's DNS (<see cref="OpenSpfZoneDns"/>): the result must be one the suite accepts, and where the suite names the
/// explanation of a fail, that explanation.
/// </summary>
public sealed class OpenSpfSuiteTests
{
    private const string SuiteFile = "/usr/share/doc/python3-spf/rfc7208-tests.yml.gz";

    /// <summary>The suite as JSON: per scenario its zone (name → [type, value] in order, SPF-only names given TXT copies as the reference driver does) and its tests.</summary>
    private const string ConvertScript = """
        import gzip, json, sys, yaml
        def rdata(records):
            out, txt, generate = [], [], True
            for m in records:
                if not isinstance(m, dict):
                    out.append(['TIMEOUT', None]); continue
                for t, v in m.items():
                    if t in ('TXT', 'SPF') and isinstance(v, str): v = [v]
                    if t == 'TXT': generate = False
                    elif t == 'SPF' and generate: txt.append(['TXT', v])
                    if v != ['NONE']: out.append([t, v])
            return out + (txt if generate else [])
        scenarios = []
        for doc in yaml.safe_load_all(gzip.open(sys.argv[1], 'rt')):
            zone = {name.lower(): rdata(records) for name, records in (doc.get('zonedata') or {}).items()}
            tests = {}
            for name, t in doc['tests'].items():
                result = t['result']
                tests[name] = {'helo': t.get('helo', ''), 'host': t['host'], 'mailfrom': t.get('mailfrom', ''),
                               'result': result if isinstance(result, list) else [result], 'explanation': t.get('explanation')}
            scenarios.append({'description': doc['description'], 'zone': zone, 'tests': tests})
        json.dump(scenarios, sys.stdout)
        """;

    /// <summary>
    /// The suite's "DEFAULT" is the checker's own text, used when exp= gave none (CloudMail then gives none). Compared
    /// without regard to case: the suite's one IPv6 explanation writes the nibbles of <c>%{ir}</c> in the upper case of
    /// the client address as the test gives it (CAFE:BABE::1), which RFC 7208 §7.3 does not ask for.
    /// </summary>
    private static bool SameExplanation(string? actual, string expected) =>
        expected == "DEFAULT" ? actual is null : string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task Every_case_of_the_rfc7208_suite_gets_an_accepted_result()
    {
        using var suite = JsonDocument.Parse(await Python.RunDebianAsync(ConvertScript, SuiteFile));
        int cases = 0;
        var failures = new List<string>();
        foreach (JsonElement scenario in suite.RootElement.EnumerateArray())
        {
            var zone = scenario.GetProperty("zone").EnumerateObject().ToDictionary(
                p => p.Name, p => p.Value.EnumerateArray().Select(e => (e[0].GetString()!, e[1].Clone())).ToList());
            var evaluator = new SpfEvaluator(new OpenSpfZoneDns(zone), TimeProvider.System, "receiver.test");
            foreach (JsonProperty test in scenario.GetProperty("tests").EnumerateObject())
            {
                cases++;
                JsonElement t = test.Value;
                SpfOutcome outcome = await evaluator.CheckMailFromAsync(IPAddress.Parse(t.GetProperty("host").GetString()!),
                    t.GetProperty("mailfrom").GetString()!, t.GetProperty("helo").GetString()!, CancellationToken.None);
                string[] accepted = [.. t.GetProperty("result").EnumerateArray().Select(r => r.GetString()!)];
                string? explanation = t.GetProperty("explanation").ValueKind == JsonValueKind.String ? t.GetProperty("explanation").GetString() : null;
                if (!accepted.Contains(outcome.Keyword))
                    failures.Add($"{scenario.GetProperty("description").GetString()} / {test.Name}: {outcome.Keyword} ({outcome.Reason}), expected {string.Join(" or ", accepted)}");
                else if (explanation is not null && outcome.Result == SpfResult.Fail && !SameExplanation(outcome.Explanation, explanation))
                    failures.Add($"{scenario.GetProperty("description").GetString()} / {test.Name}: explanation '{outcome.Explanation}', expected '{explanation}'");
            }
        }
        Assert.True(cases > 200, $"only {cases} cases read from the suite");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases:\n" + string.Join("\n", failures));
    }
}
