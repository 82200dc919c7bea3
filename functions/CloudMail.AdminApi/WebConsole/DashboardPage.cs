using CloudMail.AdminApi.Resources;
using CloudMail.Core.Admin;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Queue;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>
/// <c>/admin</c>: today's totals from the delivery log (<see cref="DeliveryTotals"/>: delivered in and out, deferred, bounced)
/// and the depth of each queue by state (<see cref="QueueAdministration"/>, as <c>cloudmail queue list</c>).
/// </summary>
public sealed class DashboardPage(IMailDirectory directory, QueueResource queues, TimeProvider time, IDeliveryLogStatistics? statistics = null) : IConsolePage
{
    public (string Path, string Label) Navigation => ("", "Dashboard");

    public IEnumerable<ConsoleRoute> Routes => [new("GET", "", AdminScopes.Read, ShowAsync)];

    private async Task<ConsoleResult> ShowAsync(ConsoleCall call, CancellationToken ct)
    {
        var totals = statistics is null ? null : await DeliveryTotals.TodayAsync(statistics, directory, time.GetUtcNow(), ct).ConfigureAwait(false);
        var jobs = queues.Administration is { } admin ? await admin.ListAsync(ct).ConfigureAwait(false) : null;
        var today = totals is null
            ? Html.Of($"<p class=\"empty\">This storage backend does not count the delivery log.</p>")
            : Html.Of($"""
                <h2>Today ({totals.Day:yyyy-MM-dd} UTC)</h2>
                <dl class="tiles">
                <div><dt>Delivered in</dt><dd id="count-in">{totals.In}</dd></div>
                <div><dt>Delivered out</dt><dd id="count-out">{totals.Out}</dd></div>
                <div><dt>Deferred</dt><dd id="count-deferred">{totals.Deferred}</dd></div>
                <div><dt>Bounced</dt><dd id="count-bounced">{totals.Bounced}</dd></div>
                </dl>
                <p class="hint">Recipients whose delivery-log record changed today, by where they stand now.</p>
                """);
        var depth = jobs is null
            ? Html.Of($"<p class=\"empty\">The queues are Service Bus queues here; see Azure's metrics.</p>")
            : Html.Of($"""
                <table class="depth"><thead><tr><th>Queue</th><th>Waiting</th><th>Being delivered</th><th>Dead-lettered</th></tr></thead><tbody>
                {Html.Join(QueueNames.All, q => Html.Of($"<tr><td><a href=\"{ConsoleLayout.Link(QueuePage.Path)}\">{q}</a></td><td>{Count(jobs, q, QueuedJobState.Waiting)}</td><td>{Count(jobs, q, QueuedJobState.Leased)}</td><td>{Count(jobs, q, QueuedJobState.DeadLettered)}</td></tr>"))}
                </tbody></table>
                """);
        return call.Page("Dashboard", Html.Of($"{today}<h2>Queue depth</h2>{depth}"));
    }

    /// <summary>The count, or "1000+" where the listing stopped at <see cref="QueueAdministration.MaxListedPerQueue"/>.</summary>
    private static string Count(IReadOnlyList<QueuedJob> jobs, string queue, QueuedJobState state)
    {
        int all = jobs.Count(j => j.Queue == queue);
        int count = jobs.Count(j => j.Queue == queue && j.State == state);
        return all >= QueueAdministration.MaxListedPerQueue ? $"{count}+" : count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
