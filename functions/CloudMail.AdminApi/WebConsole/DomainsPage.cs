using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using CloudMail.Core.DnsSetup;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>
/// <c>/admin/domains</c>: every local domain with its DNS status (<see cref="DomainDnsSetup"/>, the check of
/// <c>cloudmail dns check</c>: each needed record, what was found, the line to publish), and a form that adds a domain
/// (<see cref="DirectoryAdministration.AddDomainAsync"/>, as <c>cloudmail domain add</c> and <c>POST /api/v1/admin/domains</c>).
/// </summary>
public sealed class DomainsPage(IMailDirectory directory, DirectoryAdministration admin, DomainDnsSetup dns, IDnsRecordChecker? checker = null) : IConsolePage
{
    public const string Path = "domains";

    public (string Path, string Label) Navigation => (Path, "Domains");

    public IEnumerable<ConsoleRoute> Routes =>
    [
        new("GET", Path, AdminScopes.Read, (call, ct) => ShowAsync(call, null, 200, ct)),
        new("POST", Path, AdminScopes.Write, AddAsync),
    ];

    private async Task<ConsoleResult> AddAsync(ConsoleCall call, CancellationToken ct)
    {
        string name;
        try
        {
            name = DirectoryAdministration.CheckedDomain(call.Field("name"));
        }
        catch (ArgumentException e)
        {
            return await ShowAsync(call, e.Message, 422, ct).ConfigureAwait(false);
        }
        if (!await admin.AddDomainAsync(name, ct).ConfigureAwait(false))
            return await ShowAsync(call, $"{name} is a local domain already.", 409, ct).ConfigureAwait(false);
        return ConsoleResult.Redirect(ConsoleLayout.Link(Path) + "?added=" + Uri.EscapeDataString(name));
    }

    private async Task<ConsoleResult> ShowAsync(ConsoleCall call, string? error, int status, CancellationToken ct)
    {
        var domains = await directory.ListDomainsAsync(ct).ConfigureAwait(false);
        var checks = await Task.WhenAll(domains.Select(d => CheckAsync(d, ct))).ConfigureAwait(false);
        string? added = call.Query["added"];
        var list = domains.Count == 0
            ? Html.Of($"<p class=\"empty\">No local domains yet.</p>")
            : Html.Of($"""
                <table class="domains"><thead><tr><th>Domain</th><th>DNS</th></tr></thead><tbody>
                {Html.Join(domains.Zip(checks), d => Html.Of($"<tr id=\"domain-{d.First}\"><td>{d.First}</td><td>{Status(d.Second)}</td></tr>"))}
                </tbody></table>
                """);
        var form = Html.Of($"""
            <h2>Add a domain</h2>
            <form method="post" action="{ConsoleLayout.Link(Path)}" class="inline">{ConsoleLayout.CsrfField(call.Session.Csrf)}
            <label for="name">Domain name</label> <input id="name" name="name" required placeholder="example.org"> <button type="submit">Add domain</button></form>
            """);
        return call.Page("Domains", Html.Of($"""
            {ConsoleLayout.Message("notice", added is null ? null : $"Added {added}. Publish its DNS records below, then check again.")}
            {ConsoleLayout.Message("error", error)}{list}{form}
            """), status);
    }

    private async Task<IReadOnlyList<DnsRecordStatus>?> CheckAsync(string domain, CancellationToken ct) =>
        checker is null ? null : await dns.CheckAsync(domain, checker, ct).ConfigureAwait(false);

    /// <summary>The verdict in a word, and each record in a details box.</summary>
    private Markup Status(IReadOnlyList<DnsRecordStatus>? records)
    {
        if (checker is null) return Html.Of($"<span class=\"dns-unknown\">no DNS resolver configured for checks</span>");
        if (records is null) return Html.Of($"<span class=\"dns-unknown\">not local</span>");
        int ok = records.Count(r => r.State == DnsRecordState.Ok);
        string verdict = ok == records.Count ? "ok" : $"{records.Count - ok} of {records.Count} records need attention";
        return Html.Of($"""
            <details><summary class="{(ok == records.Count ? "dns-ok" : "dns-problem")}">{verdict}</summary>
            <table class="dns"><thead><tr><th>State</th><th>Record</th><th>Purpose</th><th>Found</th></tr></thead><tbody>
            {Html.Join(records, r => Html.Of($"<tr><td class=\"dns-{ConsoleFormat.State(r.State)}\">{ConsoleFormat.State(r.State)}</td><td><code>{r.Expected.ZoneFileLine()}</code></td><td>{r.Expected.Purpose}</td><td>{string.Join("; ", r.Found)}</td></tr>"))}
            </tbody></table></details>
            """);
    }
}
