using System.Globalization;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Queue;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>How the console shows times, states and the tables of queue jobs and delivery records (shared by the queue and trace pages).</summary>
internal static class ConsoleFormat
{
    /// <summary>UTC, to the second: <c>2026-12-04 08:15:02Z</c>; "—" for none.</summary>
    public static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "—";

    /// <summary>An enum value as the CLI and the admin API write it: lower case.</summary>
    public static string State<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>The link to the trace of <paramref name="messageId"/>.</summary>
    public static Markup TraceLink(string messageId) =>
        Html.Of($"<a href=\"{ConsoleLayout.Link(TracePage.Path)}?id={Uri.EscapeDataString(messageId)}\"><code>{messageId}</code></a>");

    /// <summary>A table of delivery-log records (recipient, status, attempts, last reply, when).</summary>
    public static Markup Deliveries(IReadOnlyList<DeliveryRecord> records) => records.Count == 0
        ? Html.Of($"<p class=\"empty\">No delivery-log records.</p>")
        : Html.Of($"""
            <table class="deliveries"><thead><tr><th>Recipient</th><th>Status</th><th>Attempts</th><th>Last reply</th><th>Updated</th></tr></thead><tbody>
            {Html.Join(records, r => Html.Of($"<tr><td>{r.Recipient}</td><td class=\"status-{State(r.Status)}\">{State(r.Status)}</td><td>{r.Attempts}</td><td>{r.LastReply}</td><td>{Time(r.UpdatedAt)}</td></tr>"))}
            </tbody></table>
            """);

    /// <summary>A table of queue jobs; <paramref name="actions"/> renders the last cell of each row (empty for none).</summary>
    public static Markup Jobs(IReadOnlyList<QueuedJob> jobs, Func<QueuedJob, Markup>? actions = null) => jobs.Count == 0
        ? Html.Of($"<p class=\"empty\">No jobs.</p>")
        : Html.Of($"""
            <table class="jobs"><thead><tr><th>Queue</th><th>Job</th><th>Message</th><th>From</th><th>Recipients</th><th>State</th><th>Deliveries</th><th>Next attempt</th><th>Reason</th>{(actions is null ? Markup.Empty : Html.Of($"<th></th>"))}</tr></thead><tbody>
            {Html.Join(jobs, j => Html.Of($"<tr><td>{j.Queue}</td><td><code>{j.Job.JobId}</code></td><td>{TraceLink(j.Job.MessageId)}</td><td>{j.Job.Envelope.MailFrom}</td><td>{string.Join(", ", j.Job.EffectiveRecipients)}</td><td>{State(j.State)}</td><td>{j.DeliveryCount}</td><td>{Time(j.NextAttemptAt)}</td><td>{j.Reason}</td>{(actions is null ? Markup.Empty : Html.Of($"<td class=\"actions\">{actions(j)}</td>"))}</tr>"))}
            </tbody></table>
            """);
}
