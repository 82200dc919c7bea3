using System.Globalization;
using CloudMail.Core.Filtering.Training;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail spam training list [--account ADDRESS] [--limit N]</c>: the training signals users gave by filing mail into
/// and out of Junk over IMAP (<see cref="ISpamTrainingStore"/>), newest first, with whether rspamd learned them. Exit codes
/// as for every admin command: 0 done, 1 failed, 2 usage.
/// </summary>
public sealed class SpamTrainingCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          spam training list [--account ADDRESS] [--limit N]
                                             messages users filed into Junk (spam) or out of it (ham) over IMAP,
                                             newest first (default 50), and whether rspamd learned them
        """;

    public const int DefaultLimit = 50;

    /// <summary>Runs <paramref name="words"/> (starting with "spam").</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        var rest = words.Skip(1).ToList();
        string? account = Take(rest, "--account");
        string? limitText = Take(rest, "--limit");
        int limit = DefaultLimit;
        if (rest is not ["training", "list"] || (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)))
        {
            await stderr.WriteLineAsync("usage:\n" + Usage);
            return 2;
        }
        var signals = await services.GetRequiredService<ISpamTrainingStore>().ListAsync(account?.Trim().ToLowerInvariant(), limit, ct);
        foreach (var s in signals)
        {
            string state = s.State switch
            {
                TrainingState.Learned => "learned",
                TrainingState.Failed => $"failed after {s.Attempts} attempt(s): {s.LastError}",
                _ when s.Attempts > 0 => $"pending, {s.Attempts} attempt(s), next {s.DueAt:yyyy-MM-dd HH:mm:ss}Z: {s.LastError}",
                _ => "pending",
            };
            await stdout.WriteLineAsync(
                $"{s.RecordedAt:yyyy-MM-dd HH:mm:ss}Z  {s.Account}  {s.Kind.ToString().ToLowerInvariant()}  {s.Source} -> {s.Destination}  message {s.BlobId}  {state}");
        }
        return 0;
    }

    /// <summary>Removes <c>NAME VALUE</c> from <paramref name="words"/> and returns the value (null when absent or without a value).</summary>
    private static string? Take(List<string> words, string name)
    {
        int at = words.IndexOf(name);
        if (at < 0 || at + 1 >= words.Count) return null;
        string value = words[at + 1];
        words.RemoveRange(at, 2);
        return value;
    }
}
