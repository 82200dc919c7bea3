using System.Globalization;
using System.Text.Json;
using CloudMail.Core.Quarantine;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail quarantine list [--json] | show ID [--json] | release ID | delete ID</c>: messages found infected after
/// they were accepted (<see cref="QuarantineAdministration"/>, the same as the admin API's <c>/quarantine</c>). Works on the
/// embedded data folder, or with <c>--CloudMail:Storage=Azure</c> on the quarantine table (release needs the inbound queue:
/// embedded only from here). Exit codes as for every admin command: 0 done, 1 failed (no such message), 2 usage.
/// </summary>
public sealed class QuarantineCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          quarantine list [--json]           messages found infected after they were accepted: id, virus, sender, recipients
          quarantine show ID [--json]        one of them: envelope, source, size, when
          quarantine release ID              deliver it after all (queued again; not scanned again)
          quarantine delete ID               delete it and its content (its recipients are logged as failed)
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private QuarantineAdministration Admin => services.GetRequiredService<QuarantineAdministration>();

    /// <summary>Runs <paramref name="words"/> (starting with "quarantine"); returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        bool json = words.Contains("--json");
        string[] args = [.. words.Where(w => w != "--json")];
        return (args.Length > 1 ? args[1] : "", args.Length, json) switch
        {
            ("list", 2, _) => await ListAsync(json, ct),
            ("show", 3, _) => await ShowAsync(args[2], json, ct),
            ("release", 3, false) => await ReportAsync(await Admin.ReleaseAsync(args[2], ct), $"message {args[2]} released: queued for delivery", args[2]),
            ("delete", 3, false) => await ReportAsync(await Admin.DeleteAsync(args[2], ct), $"message {args[2]} deleted from the quarantine", args[2]),
            _ => await FailAsync("usage:\n" + Usage, 2),
        };
    }

    private async Task<int> ListAsync(bool json, CancellationToken ct)
    {
        var entries = await Admin.ListAsync(ct);
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(entries.Select(QuarantineView.From), Json));
            return 0;
        }
        foreach (var e in entries)
        {
            await stdout.WriteLineAsync($"{e.MessageId}  {Time(e.QuarantinedAt)}  virus={e.Signature}  via={e.Source}  from=<{e.Job.Envelope.MailFrom}>  " +
                $"to={string.Join(',', e.Job.EffectiveRecipients)}");
        }
        if (entries.Count == 0) await stderr.WriteLineAsync("the quarantine is empty");
        return 0;
    }

    private async Task<int> ShowAsync(string id, bool json, CancellationToken ct)
    {
        if (await Admin.ShowAsync(id, ct) is not { } entry) return await FailAsync($"no such message in the quarantine: {id}", 1);
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(QuarantineView.From(entry), Json));
            return 0;
        }
        await stdout.WriteAsync(QuarantineNotifier.Facts(entry));
        await stdout.WriteLineAsync($"Quarantined:  {Time(entry.QuarantinedAt)}");
        return 0;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private async Task<int> ReportAsync(bool ok, string success, string id)
    {
        if (!ok) return await FailAsync($"no such message in the quarantine: {id}", 1);
        await stdout.WriteLineAsync(success);
        return 0;
    }

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
