using CloudMail.AdminApi.Resources;
using CloudMail.Core.Admin;
using CloudMail.Core.Queue;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>
/// <c>/admin/queue</c>: the jobs of every queue, each with a retry-now and a delete button (<see cref="QueueAdministration"/>,
/// as <c>cloudmail queue list|retry|delete</c> and <c>/api/v1/admin/queue</c>: deleting logs the open recipients as failed,
/// a job being delivered right now is refused with 409). Where the queues are Service Bus queues the page says so (501).
/// </summary>
public sealed class QueuePage(QueueResource queues) : IConsolePage
{
    public const string Path = "queue";

    public (string Path, string Label) Navigation => (Path, "Queue");

    public IEnumerable<ConsoleRoute> Routes =>
    [
        new("GET", Path, AdminScopes.Read, (call, ct) => ShowAsync(call, null, 200, ct)),
        new("POST", Path + "/retry", AdminScopes.Write, (call, ct) => ChangeAsync(call, "retried", (a, id) => a.RetryAsync(id, ct), ct)),
        new("POST", Path + "/delete", AdminScopes.Write, (call, ct) => ChangeAsync(call, "deleted", (a, id) => a.DeleteAsync(id, ct), ct)),
    ];

    private async Task<ConsoleResult> ChangeAsync(ConsoleCall call, string done, Func<QueueAdministration, string, Task<QueueChange>> change, CancellationToken ct)
    {
        if (queues.Administration is not { } admin) return NotHere(call);
        string jobId = call.Field("job");
        if (jobId.Length == 0) return await ShowAsync(call, "Say which job.", 422, ct).ConfigureAwait(false);
        return await change(admin, jobId).ConfigureAwait(false) switch
        {
            QueueChange.Done => ConsoleResult.Redirect($"{ConsoleLayout.Link(Path)}?{done}={Uri.EscapeDataString(jobId)}"),
            QueueChange.Leased => await ShowAsync(call, $"Job {jobId} is being delivered right now; try again after this attempt.", 409, ct).ConfigureAwait(false),
            _ => await ShowAsync(call, $"There is no waiting or dead-lettered job {jobId}.", 404, ct).ConfigureAwait(false),
        };
    }

    private async Task<ConsoleResult> ShowAsync(ConsoleCall call, string? error, int status, CancellationToken ct)
    {
        if (queues.Administration is not { } admin) return NotHere(call);
        var jobs = await admin.ListAsync(ct).ConfigureAwait(false);
        string? notice = call.Query["retried"] is { } retried ? $"Job {retried} is due now."
            : call.Query["deleted"] is { } deleted ? $"Deleted job {deleted}; its open recipients are logged as failed." : null;
        return call.Page("Queue", Html.Of($"""
            {ConsoleLayout.Message("notice", notice)}{ConsoleLayout.Message("error", error)}
            {ConsoleFormat.Jobs(jobs, j => Actions(call, j))}
            """), status);
    }

    private static Markup Actions(ConsoleCall call, QueuedJob job) => job.State == QueuedJobState.Leased
        ? Html.Of($"<span class=\"hint\">being delivered</span>")
        : Html.Of($"""
            <form method="post" action="{ConsoleLayout.Link(Path + "/retry")}">{ConsoleLayout.CsrfField(call.Session.Csrf)}<input type="hidden" name="job" value="{job.Job.JobId}"><button type="submit">Retry now</button></form>
            <form method="post" action="{ConsoleLayout.Link(Path + "/delete")}">{ConsoleLayout.CsrfField(call.Session.Csrf)}<input type="hidden" name="job" value="{job.Job.JobId}"><button type="submit" class="danger">Delete</button></form>
            """);

    private static ConsoleResult NotHere(ConsoleCall call) =>
        call.Page("Queue", ConsoleLayout.Message("error", "Queue administration works on the embedded queues; in Azure mode the queues are Service Bus queues."), 501);
}
