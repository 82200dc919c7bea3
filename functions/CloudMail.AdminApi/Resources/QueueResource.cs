using CloudMail.Core.Admin;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Queue;

namespace CloudMail.AdminApi.Resources;

/// <summary>
/// <c>/queue</c>: the jobs of the inbound and outbound queues, as <c>cloudmail queue</c> (<see cref="QueueAdministration"/>):
/// list, show (with the message's delivery log), retry now (a dead-lettered job goes back to its queue), flush (every
/// waiting job due now, <see cref="QueueAdministration.FlushAsync"/>), delete (its open
/// recipients are logged as failed). 409 while a worker delivers the job. Only where this host administers its queues
/// (embedded); where they are Service Bus queues every route answers 501.
/// </summary>
public sealed class QueueResource(IDeliveryLog deliveryLog, TimeProvider time, ILeasedMailQueue? queue = null) : IAdminResource
{
    private readonly QueueAdministration? _admin = queue is null ? null : new QueueAdministration(queue, deliveryLog, time);

    /// <summary>The queue administration of this host, or null where the queues are not administered here.</summary>
    public QueueAdministration? Administration => _admin;

    public IEnumerable<AdminRoute> Routes =>
    [
        new("GET", "queue", AdminScopes.Read, (call, ct) => WithQueue(async admin => call.Page(await admin.ListAsync(ct).ConfigureAwait(false), j => j.Job.JobId, j => QueueJobView.From(j)))),
        new("GET", "queue/{id}", AdminScopes.Read, (call, ct) => WithQueue(async admin =>
            await admin.ShowAsync(call["id"], ct).ConfigureAwait(false) is var (job, deliveries) ? AdminCall.Ok(QueueJobView.From(job, deliveries)) : NoSuchJob(call["id"]))),
        new("POST", "queue/flush", AdminScopes.Write, (call, ct) => WithQueue(async admin => AdminCall.Ok(new FlushedView(await admin.FlushAsync(ct).ConfigureAwait(false))))),
        new("POST", "queue/{id}/retry", AdminScopes.Write, (call, ct) => WithQueue(async admin => Answer(await admin.RetryAsync(call["id"], ct).ConfigureAwait(false), call["id"]))),
        new("DELETE", "queue/{id}", AdminScopes.Write, (call, ct) => WithQueue(async admin => Answer(await admin.DeleteAsync(call["id"], ct).ConfigureAwait(false), call["id"]))),
    ];

    private async Task<AdminApiResult> WithQueue(Func<QueueAdministration, Task<AdminApiResult>> run) =>
        _admin is null
            ? AdminProblem.NotImplemented("Queue administration works on the embedded queues; in Azure mode the queues are Service Bus queues.")
            : await run(_admin).ConfigureAwait(false);

    private static AdminApiResult Answer(QueueChange change, string jobId) => change switch
    {
        QueueChange.Done => AdminApiResult.NoContent(),
        QueueChange.Leased => AdminProblem.Conflict($"Job {jobId} is being delivered right now; try again after this attempt."),
        _ => NoSuchJob(jobId),
    };

    private static AdminProblem NoSuchJob(string jobId) => AdminProblem.NotFound($"There is no waiting or dead-lettered job {jobId}.");
}
