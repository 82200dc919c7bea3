using CloudMail.Core.Retention;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail retention sweep</c>: runs the retention sweep (<see cref="RetentionSweeper"/>) once, now, on the admin
/// host's storage (embedded or Azure), with the configured <c>CloudMail:Retention</c>, and prints what it removed; the
/// same sweep <c>serve</c> runs hourly and the Functions app's timer daily in Azure. For an administrator who just
/// lowered a retention and does not want to wait. Exit codes as for every admin command: 0 done, 1 failed, 2 usage.
/// </summary>
public sealed class RetentionCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          retention sweep                    apply CloudMail:Retention now (quarantine, Junk and Trash, spam training,
                                             idempotency keys, delivery log) and print what was removed
        """;

    /// <summary>Runs <paramref name="words"/> (starting with "retention").</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        if (words is not [_, "sweep"])
        {
            await stderr.WriteLineAsync("usage:\n" + Usage);
            return 2;
        }
        RetentionResult r = await services.GetRequiredService<RetentionSweeper>().SweepAsync(ct);
        await stdout.WriteLineAsync($"quarantine: {r.QuarantineDeleted} deleted");
        await stdout.WriteLineAsync($"junk and trash: {r.ExpungedMessages} expunged");
        await stdout.WriteLineAsync($"spam training: {r.SpamTrainingSignals} signals forgotten");
        await stdout.WriteLineAsync($"idempotency keys: {r.IdempotencyKeys} forgotten");
        await stdout.WriteLineAsync($"delivery log: {r.DeliveryLogMessages} messages forgotten");
        return 0;
    }
}
