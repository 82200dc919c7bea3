using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// The domain, user and alias admin commands (over <see cref="DirectoryAdministration"/> and <see cref="AccountAdministration"/>, as the admin API);
/// user quota, admin-key, apikey, dkim, queue, dns, trace, quarantine, allow/block, spam, webhook, import, export, backup, restore and retention are dispatched to their own classes. Passwords are read from <paramref name="stdin"/> (first
/// line), never from arguments, so they do not show in process lists or shell history.
/// </summary>
public sealed class AdminCommands(IServiceProvider services, TextReader stdin, TextWriter stdout, TextWriter stderr)
{
    private IMailDirectory Directory => services.GetRequiredService<IMailDirectory>();

    private AccountAdministration Accounts => services.GetRequiredService<AccountAdministration>();

    private DirectoryAdministration Admin => services.GetRequiredService<DirectoryAdministration>();

    /// <summary>Runs one command given as words (e.g. ["user", "add", "a@b.c"]); returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        try
        {
            return (words[0], words.Count > 1 ? words[1] : "", words.Count) switch
            {
                ("domain", "add", 3) => await Done(Admin.AddDomainAsync(words[2], ct), $"domain {words[2]} added"),
                ("domain", "remove", 3) => await Report(await Admin.RemoveDomainAsync(words[2], ct), $"domain {words[2]} removed", $"no such domain: {words[2]}"),
                ("domain", "list", 2) => await Print(await Directory.ListDomainsAsync(ct)),
                ("user", "add", 3) => await Done(Accounts.AddUserAsync(words[2], await ReadPasswordAsync(), ct), $"user {words[2]} added"),
                ("user", "passwd", 3) => await Done(Accounts.SetPasswordAsync(words[2], await ReadPasswordAsync(), ct), $"password of {words[2]} changed"),
                ("user", "remove", 3) => await Report(await Accounts.RemoveUserAsync(words[2], ct), $"user {words[2]} removed", $"no such user: {words[2]}"),
                ("user", "quota", _) => await new QuotaCommands(services, stdout, stderr).RunAsync(words, ct),
                ("user", "disable", 3) => await Done(Accounts.SetDisabledAsync(words[2], true, ct), $"user {words[2]} disabled"),
                ("user", "enable", 3) => await Done(Accounts.SetDisabledAsync(words[2], false, ct), $"user {words[2]} enabled"),
                ("user", "list", 2 or 3) => await Print((await Directory.ListAccountsAsync(words.Count == 3 ? words[2] : null, ct))
                    .Select(a => a.Disabled ? a.Address + "  disabled" : a.Address)),
                ("alias", "add", 4) => await AddAliasAsync(words[2], words[3], ct),
                ("alias", "remove", 3 or 4) => await Report(await Admin.RemoveAliasAsync(words[2], words.Count == 4 ? words[3] : null, ct), $"alias {words[2]} removed", $"no such alias: {words[2]}"),
                ("alias", "list", 2 or 3) => await Print((await Directory.ListAliasesAsync(words.Count == 3 ? words[2] : null, ct)).Select(a => $"{a.Address} -> {a.Target}")),
                ("admin-key", _, _) => await new AdminKeyCommands(services, stdout, stderr).RunAsync(words, ct),
                ("apikey", _, _) => await new ApiKeyCommands(services, stdout, stderr).RunAsync(words, ct),
                ("dkim", _, _) => await new DkimCommands(services, stdout, stderr).RunAsync(words, ct),
                ("queue", _, _) => await new QueueCommands(services, stdout, stderr).RunAsync(words, ct),
                ("dns", _, _) => await new DnsCommands(services, stdout, stderr).RunAsync(words, ct),
                ("trace", _, _) => await new TraceCommands(services, stdout, stderr).RunAsync(words, ct),
                ("quarantine", _, _) => await new QuarantineCommands(services, stdout, stderr).RunAsync(words, ct),
                ("allow" or "block", _, _) => await new SenderListCommands(services, stdout, stderr).RunAsync(words, ct),
                ("spam", _, _) => await new SpamTrainingCommands(services, stdout, stderr).RunAsync(words, ct),
                ("webhook", _, _) => await new WebhookCommands(services, stdout, stderr).RunAsync(words, ct),
                ("import", _, _) => await new ImportCommands(services, stdout, stderr).RunAsync(words, ct),
                ("export", _, _) => await new ExportCommands(services, stdout, stderr).RunAsync(words, ct),
                ("backup" or "restore", _, _) => await new BackupCommands(services, stdout, stderr).RunAsync(words, ct),
                ("retention", _, _) => await new RetentionCommands(services, stdout, stderr).RunAsync(words, ct),
                _ => await Fail(CloudMailCommandLine.Usage, 2),
            };
        }
        catch (Exception e) when (e is ArgumentException or DirectoryConflictException or DirectoryEntryNotFoundException or InvalidOperationException)
        {
            return await Fail("error: " + Reason(e), 1);
        }
    }

    /// <summary>What went wrong, for the operator: without the " (Parameter 'address')" .NET appends to an argument's message.</summary>
    private static string Reason(Exception e) =>
        e is ArgumentException { ParamName: { } name } argument
            ? argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : e.Message;

    /// <summary>Reads the first line of stdin; fails when stdin is empty.</summary>
    private async Task<string> ReadPasswordAsync()
    {
        if (!Console.IsInputRedirected && ReferenceEquals(stdin, Console.In)) await stderr.WriteAsync("password: ");
        string? line = await stdin.ReadLineAsync();
        if (string.IsNullOrEmpty(line)) throw new ArgumentException("no password on standard input");
        return line;
    }

    /// <summary>
    /// <c>alias add</c>, then <see cref="DirectoryAdministration.UnreachableTargetWarningAsync"/> on standard error when mail
    /// to the alias cannot arrive, which the operator would otherwise only learn from a sender.
    /// </summary>
    private async Task<int> AddAliasAsync(string alias, string target, CancellationToken ct)
    {
        int code = await Done(Admin.AddAliasAsync(alias, target, ct), $"alias {alias} -> {target} added");
        if (await Admin.UnreachableTargetWarningAsync(alias, target, ct) is { } warning) await stderr.WriteLineAsync("warning: " + warning);
        return code;
    }

    private async Task<int> Done(Task operation, string message)
    {
        await operation;
        await stdout.WriteLineAsync(message);
        return 0;
    }

    private async Task<int> Report(bool ok, string success, string failure) =>
        ok ? await Done(Task.CompletedTask, success) : await Fail(failure, 1);

    private async Task<int> Print(IEnumerable<string> lines)
    {
        foreach (string line in lines) await stdout.WriteLineAsync(line);
        return 0;
    }

    private async Task<int> Fail(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
