using System.Globalization;
using System.Text.Json;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail queue list [--json] | show ID [--json] | retry ID | flush | delete ID</c> over the embedded queues
/// (<see cref="QueueAdministration"/>); ID is the job id that <c>list</c> prints. Runs beside a running <c>serve</c>
/// (SQLite in WAL mode serializes the writes). Azure mode has no such queue here (Service Bus): the commands say so.
/// <c>queue deadletters [--json] | deadletters --replay ID</c> works on both backends (<see cref="IDeadLetterQueue"/>):
/// the embedded dead-letter table, or with <c>--CloudMail:Storage=Azure</c> the Service Bus dead-letter sub-queues.
/// Exit codes as for every admin command: 0 done, 1 failed (no such job, job being delivered), 2 usage.
/// </summary>
public sealed class QueueCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          queue list [--json]                jobs waiting, in delivery and dead-lettered, per queue
          queue show ID [--json]             one job and its message's delivery log
          queue retry ID                     attempt a waiting job now / requeue a dead-lettered job
          queue flush                        attempt every waiting job now (deferred mail, after a peer is back)
          queue delete ID                    drop a waiting or dead-lettered job (its recipients are logged as failed)
          queue deadletters [--json]         dead letters of every queue: reason, description, enqueued, attempts, ids
          queue deadletters --replay ID      send a dead letter back to its queue (Azure: a copy with a fresh MessageId)
        """;

    /// <summary>Most dead letters listed per queue.</summary>
    public const int MaxDeadLettersPerQueue = 1000;

    /// <summary>Runs <paramref name="words"/> (starting with "queue"); returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        bool json = words.Contains("--json");
        string[] args = [.. words.Where(w => w != "--json")];
        if (args.Length > 1 && args[1] == "deadletters") return await DeadLettersAsync(args, json, ct);
        if (services.GetService<ILeasedMailQueue>() is not { } queue)
            return await FailAsync("error: queue commands work on the embedded data folder; in Azure mode the queues are Service Bus queues", 1);
        var admin = new QueueAdministration(queue, services.GetRequiredService<IDeliveryLog>(), services.GetService<TimeProvider>() ?? TimeProvider.System);
        return (args.Length > 1 ? args[1] : "", args.Length, json) switch
        {
            ("list", 2, _) => await ListAsync(admin, json, ct),
            ("show", 3, _) => await ShowAsync(admin, args[2], json, ct),
            ("retry", 3, false) => await ReportAsync(await admin.RetryAsync(args[2], ct), $"job {args[2]} will be attempted now", args[2]),
            ("flush", 2, false) => await FlushAsync(admin, ct),
            ("delete", 3, false) => await ReportAsync(await admin.DeleteAsync(args[2], ct), $"job {args[2]} deleted; its recipients are logged as failed", args[2]),
            _ => await FailAsync("usage:\n" + Usage, 2),
        };
    }

    private async Task<int> ListAsync(QueueAdministration admin, bool json, CancellationToken ct)
    {
        IReadOnlyList<QueuedJob> jobs = await admin.ListAsync(ct);
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(jobs.Select(j => QueueJobView.From(j)), QueueJobView.Json));
            return 0;
        }
        foreach (QueuedJob job in jobs) await stdout.WriteLineAsync(Line(job));
        if (jobs.Count == 0) await stderr.WriteLineAsync("no queued jobs");
        return 0;
    }

    private async Task<int> FlushAsync(QueueAdministration admin, CancellationToken ct)
    {
        int flushed = await admin.FlushAsync(ct);
        await stdout.WriteLineAsync(flushed == 1 ? "1 waiting job will be attempted now" : $"{flushed} waiting jobs will be attempted now");
        return 0;
    }

    private async Task<int> ShowAsync(QueueAdministration admin, string jobId, bool json, CancellationToken ct)
    {
        if (await admin.ShowAsync(jobId, ct) is not var (job, deliveries)) return await FailAsync($"no such job: {jobId}", 1);
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(QueueJobView.From(job, deliveries), QueueJobView.Json));
            return 0;
        }
        await stdout.WriteLineAsync(Line(job));
        await stdout.WriteLineAsync($"  message {job.Job.MessageId} from <{job.Job.Envelope.MailFrom}>, enqueued {Time(job.EnqueuedAt)}");
        foreach (DeliveryRecord record in deliveries)
        {
            await stdout.WriteLineAsync($"  {record.Recipient}  {record.Status.ToString().ToLowerInvariant()}  attempts={record.Attempts}  {Time(record.UpdatedAt)}  {record.LastReply}");
        }
        return 0;
    }

    /// <summary><c>queue deadletters [--json]</c> and <c>queue deadletters --replay ID</c> over the registered backend's dead letters.</summary>
    private async Task<int> DeadLettersAsync(string[] args, bool json, CancellationToken ct)
    {
        if (services.GetService<IDeadLetterQueue>() is not { } deadLetters) return await FailAsync("error: this storage keeps no dead letters", 1);
        switch (args.Length, json)
        {
            case (2, _):
                var letters = new List<DeadLetter>();
                foreach (string queue in QueueNames.All) letters.AddRange(await deadLetters.PeekAsync(queue, MaxDeadLettersPerQueue, ct));
                if (json)
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(letters, QueueJobView.Json));
                    return 0;
                }
                foreach (DeadLetter letter in letters) await stdout.WriteLineAsync(Line(letter));
                if (letters.Count == 0) await stderr.WriteLineAsync("no dead letters");
                return 0;
            case (4, false) when args[2] == "--replay":
                foreach (string queue in QueueNames.All)
                {
                    if (await deadLetters.ReplayAsync(queue, args[3], ct))
                    {
                        await stdout.WriteLineAsync($"dead letter {args[3]} sent back to {queue}");
                        return 0;
                    }
                }
                return await FailAsync($"no such dead letter: {args[3]}", 1);
            default:
                return await FailAsync("usage:\n" + Usage, 2);
        }
    }

    /// <summary>One dead letter on one line: id, queue, reason, enqueued time, attempts, message id, recipients, description.</summary>
    private static string Line(DeadLetter letter)
    {
        string enqueued = letter.EnqueuedAt is { } at ? Time(at) : "-";
        string line = $"{letter.Id}  {letter.Queue}  reason={letter.Reason}  enqueued={enqueued}  attempts={letter.Attempts}  " +
            $"message={letter.MessageId ?? "-"}  to={string.Join(',', letter.Recipients)}";
        return letter.Description is null ? line : $"{line}  description={letter.Description}";
    }

    /// <summary>One job on one line: id, queue, state, attempts, next attempt, message id, recipients, reason.</summary>
    private static string Line(QueuedJob job)
    {
        string next = job.NextAttemptAt is { } at ? Time(at) : "-";
        string line = $"{job.Job.JobId}  {job.Queue}  {job.State.ToString().ToLowerInvariant()}  attempts={job.DeliveryCount}  next={next}  " +
            $"message={job.Job.MessageId}  to={string.Join(',', job.Job.EffectiveRecipients)}";
        return job.Reason is null ? line : $"{line}  reason={job.Reason}";
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private async Task<int> ReportAsync(QueueChange change, string success, string jobId)
    {
        switch (change)
        {
            case QueueChange.Done:
                await stdout.WriteLineAsync(success);
                return 0;
            case QueueChange.Leased:
                return await FailAsync($"job {jobId} is being delivered right now; try again after this attempt", 1);
            default:
                return await FailAsync($"no such job: {jobId}", 1);
        }
    }

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
