using CloudMail.Core.Filtering.SenderLists;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail allow|block add|remove PATTERN [--for SCOPE]</c> and <c>cloudmail allow|block list [--for SCOPE]</c>: the
/// sender lists (<see cref="SenderListAdministration"/>). Without <c>--for</c>, add and remove work on the server's list
/// and list shows every scope. Exit codes as for every admin command: 0 done, 1 failed, 2 usage.
/// </summary>
public sealed class SenderListCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          allow add|remove PATTERN [--for SCOPE]
                                             trust a sender (address, domain with its subdomains, IP or CIDR network):
                                             no DNSBL refusal, no greylisting, never Junk; SCOPE is a local domain or
                                             an address in one, else the whole server
          allow list [--for SCOPE]
          block add|remove PATTERN [--for SCOPE]
                                             refuse a sender on port 25 (550 5.7.1); the most specific list decides
          block list [--for SCOPE]
        """;

    private SenderListAdministration Lists => services.GetRequiredService<SenderListAdministration>();

    /// <summary>Runs <paramref name="words"/> (starting with "allow" or "block").</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        var kind = words[0] == "block" ? SenderListKind.Block : SenderListKind.Allow;
        string? scope = null;
        var rest = words.Skip(1).ToList();
        int at = rest.IndexOf("--for");
        if (at >= 0)
        {
            if (at + 1 >= rest.Count) return await FailAsync("usage:\n" + Usage, 2);
            scope = rest[at + 1];
            rest.RemoveRange(at, 2);
        }
        try
        {
            return (rest.Count > 0 ? rest[0] : "", rest.Count) switch
            {
                ("add", 2) => await ReportAsync(await Lists.AddAsync(scope, kind, rest[1], ct), $"{Name(kind)} {rest[1]} added to the {Describe(scope)} list",
                    $"{rest[1]} is already on the {Describe(scope)} {Name(kind)} list"),
                ("remove", 2) => await ReportAsync(await Lists.RemoveAsync(scope, kind, rest[1], ct), $"{Name(kind)} {rest[1]} removed from the {Describe(scope)} list",
                    $"{rest[1]} is not on the {Describe(scope)} {Name(kind)} list"),
                ("list", 1) => await PrintAsync(await Lists.ListAsync(scope, kind, ct)),
                _ => await FailAsync("usage:\n" + Usage, 2),
            };
        }
        catch (ArgumentException e)
        {
            return await FailAsync("error: " + e.Message.Split(" (Parameter", 2)[0], 1);
        }
    }

    private static string Name(SenderListKind kind) => kind == SenderListKind.Allow ? "allow" : "block";

    private static string Describe(string? scope) => SenderListScope.Describe(SenderListScope.Normalize(scope));

    private async Task<int> PrintAsync(IReadOnlyList<SenderListEntry> entries)
    {
        foreach (var e in entries) await stdout.WriteLineAsync($"{SenderListScope.Describe(e.Scope)}  {e.Pattern}  added {e.AddedAt:yyyy-MM-dd HH:mm:ss}Z");
        return 0;
    }

    private async Task<int> ReportAsync(bool ok, string success, string failure)
    {
        if (!ok) return await FailAsync(failure, 1);
        await stdout.WriteLineAsync(success);
        return 0;
    }

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
