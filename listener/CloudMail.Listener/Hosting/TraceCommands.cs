using System.Globalization;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail trace MESSAGE-ID</c>: what is known of one message (<see cref="MessageTrace"/>, the same record the admin
/// API's <c>/messages/{id}/trace</c> returns): each recipient's delivery-log state with its last reply (for local deliveries
/// of port-25 mail, the filters' verdict and the folder it was filed in); then, indented, every recorded attempt oldest first
/// (time, recipient, stage, result, attempt count, host tried, reply, next try for a deferral; the newest
/// <see cref="DeliveryAttempt.MaxPerRecipient"/> per recipient); and, in embedded mode, the message's jobs still in a queue.
/// Exit codes: 0 found, 1 unknown, 2 usage.
/// </summary>
public sealed class TraceCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          trace MESSAGE-ID                   delivery state, last reply and filter verdict per recipient; every attempt
                                             (stage, host, reply, next try); queued jobs
        """;

    /// <summary>Runs <paramref name="words"/> (starting with "trace").</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        if (words.Count != 2)
        {
            await stderr.WriteLineAsync("usage:\n" + Usage);
            return 2;
        }
        var queues = services.GetService<ILeasedMailQueue>() is { } queue
            ? new QueueAdministration(queue, services.GetRequiredService<IDeliveryLog>(), services.GetService<TimeProvider>() ?? TimeProvider.System)
            : null;
        var trace = await MessageTrace.ReadAsync(words[1], services.GetRequiredService<IDeliveryLog>(), queues, ct);
        if (trace.IsUnknown)
        {
            await stderr.WriteLineAsync($"no message {words[1]} in the delivery log or a queue");
            return 1;
        }
        foreach (var r in trace.Recipients)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{r.Recipient}  {r.Status.ToString().ToLowerInvariant()}  attempts {r.Attempts}  {r.UpdatedAt:yyyy-MM-dd HH:mm:ss}Z  {r.LastReply}"));
        }
        foreach (var a in trace.Attempts)
        {
            string next = a.NextAttemptAt is { } at ? string.Create(CultureInfo.InvariantCulture, $"  next {at:yyyy-MM-dd HH:mm:ss}Z") : "";
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {a.At:yyyy-MM-dd HH:mm:ss}Z  {a.Recipient}  {(a.Stage.Length == 0 ? "-" : a.Stage)}  {a.Result.ToString().ToLowerInvariant()}  attempt {a.Attempt}  host {a.RemoteHost ?? "-"}  {a.Reply}{next}"));
        }
        foreach (var j in trace.Jobs ?? [])
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"job {j.Job.JobId}  {j.Queue}  {j.State.ToString().ToLowerInvariant()}  deliveries {j.DeliveryCount}"));
        }
        return 0;
    }
}
