using CloudMail.Core.Queue;

namespace CloudMail.Core.Tests.SendApi.Fakes;

/// <summary>Records enqueued jobs and when they become visible; like the real queues, a JobId still waiting is not enqueued twice.</summary>
internal sealed class InMemoryMailQueue : IMailQueue
{
    private readonly Lock _lock = new();

    public List<(string Queue, MailJob Job)> Waiting { get; } = [];

    /// <summary>Every job ever accepted (not deduplicated away).</summary>
    public List<MailJob> Accepted { get; } = [];

    /// <summary>When each accepted job was to become visible (null: at once), by JobId.</summary>
    public Dictionary<string, DateTimeOffset?> NotBefore { get; } = [];

    /// <summary>Removes a waiting job, as a worker's completion would.</summary>
    public void Complete(string jobId)
    {
        lock (_lock) Waiting.RemoveAll(w => w.Job.JobId == jobId);
    }

    public Task EnqueueAsync(string queue, MailJob job, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (Waiting.Any(w => w.Queue == queue && w.Job.JobId == job.JobId)) return Task.CompletedTask;
            Waiting.Add((queue, job));
            Accepted.Add(job);
            NotBefore[job.JobId] = notBefore;
        }
        return Task.CompletedTask;
    }
}
