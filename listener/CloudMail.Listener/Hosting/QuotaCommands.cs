using System.Globalization;
using CloudMail.Core.Directory;
using CloudMail.Core.Quotas;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail user quota ADDRESS [--storage SIZE] [--messages N]</c>: shows an account's quota limits and usage, or sets
/// them (<see cref="MailboxQuotas.ChangeLimitsAsync"/>). SIZE is bytes or K/M/G/T (<see cref="StorageSize"/>: 500M, 2G);
/// 0 means unlimited and <c>default</c> returns to <c>CloudMail:Quota</c>'s default. An option not given keeps its
/// value. Exit codes as for every admin command: 0 done, 1 failed, 2 usage.
/// </summary>
public sealed class QuotaCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          user quota ADDRESS [--storage SIZE] [--messages N]
                                             show or set a user's quota (SIZE: 500M, 2G; 0 = unlimited; default)
        """;

    private MailboxQuotas Quotas => services.GetRequiredService<MailboxQuotas>();

    /// <summary>Runs <paramref name="words"/> (starting with "user", "quota"); returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        if (words.Count < 3 || words.Count % 2 == 0) return await FailAsync("usage:\n" + Usage, 2);
        string address = words[2];
        Func<AccountQuota, AccountQuota>? edit = null;
        for (int i = 3; i < words.Count; i += 2)
        {
            bool storage = words[i] == "--storage";
            if (!storage && words[i] != "--messages") return await FailAsync("usage:\n" + Usage, 2);
            if (!TryParseLimit(words[i + 1], storage ? StorageSize.TryParse : TryParseCount, out long? limit))
                return await FailAsync($"error: '{words[i + 1]}' is not a valid {words[i][2..]} limit (a number, 0 for unlimited, or default)", 1);
            var previous = edit ?? (q => q);
            edit = storage ? q => previous(q) with { StorageBytes = limit } : q => previous(q) with { Messages = limit };
        }
        if (edit is null)
        {
            if (await Quotas.GetStatusAsync(address, ct) is not { } status) return await FailAsync($"no such user: {address}", 1);
            await PrintAsync(address, status, await OwnQuotaAsync(address, ct));
            return 0;
        }
        QuotaStatus changed = await Quotas.ChangeLimitsAsync(address, edit, ct);
        await stdout.WriteLineAsync($"quota of {address} changed");
        await PrintAsync(address, changed, await OwnQuotaAsync(address, ct));
        return 0;
    }

    /// <summary>Reads a limit: <c>default</c> gives null (the configured default applies).</summary>
    private static bool TryParseLimit(string text, TryParse parse, out long? limit)
    {
        limit = null;
        if (text.Equals("default", StringComparison.OrdinalIgnoreCase)) return true;
        if (!parse(text, out long value)) return false;
        limit = value;
        return true;
    }

    private delegate bool TryParse(string text, out long value);

    private static bool TryParseCount(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private async Task<AccountQuota> OwnQuotaAsync(string address, CancellationToken ct) =>
        (await services.GetRequiredService<IMailDirectory>().GetAccountAsync(address.Trim().ToLowerInvariant(), ct))?.Quota ?? AccountQuota.Default;

    /// <summary>Two lines: storage and messages, each with usage, limit and where the limit comes from.</summary>
    private async Task PrintAsync(string address, QuotaStatus status, AccountQuota own)
    {
        string storageLimit = status.Limits.StorageBytes == 0 ? "unlimited" : StorageSize.Describe(status.Limits.StorageBytes) + $" ({StorageSize.Format(status.Limits.StorageBytes)})";
        string messageLimit = status.Limits.Messages == 0 ? "unlimited" : status.Limits.Messages.ToString(CultureInfo.InvariantCulture);
        await stdout.WriteLineAsync($"{address.Trim().ToLowerInvariant()}{(status.IsFull ? "  (full)" : "")}");
        await stdout.WriteLineAsync($"  storage   {StorageSize.Describe(status.Usage.Bytes)} used of {storageLimit}{Origin(own.StorageBytes)}");
        await stdout.WriteLineAsync($"  messages  {status.Usage.Messages.ToString(CultureInfo.InvariantCulture)} of {messageLimit}{Origin(own.Messages)}");
    }

    private static string Origin(long? own) => own is null ? " (default)" : "";

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
