using CloudMail.Core.Directory;
using CloudMail.Core.Dkim;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail dkim generate DOMAIN [--selector S] | list DOMAIN | retire DOMAIN SELECTOR | remove DOMAIN SELECTOR</c>:
/// per-domain DKIM signing keys (<see cref="IDkimKeyStore"/>). <c>generate</c> prints the DNS TXT record to publish on
/// stdout (and nothing else there). With a key vault (Azure mode with <c>CloudMailKeyVault__vaultUri</c>: an
/// <see cref="IRemoteDkimKeyCreator"/> is registered) the key is created in the vault as a non-exportable RSA-2048 key and
/// the row keeps only its key id and public key; otherwise the row holds a new PEM key. Exit codes as for every admin
/// command: 0 done, 1 failed, 2 usage.
/// </summary>
public sealed class DkimCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          dkim generate DOMAIN [--selector S]  new signing key (default selector cm<yyyyMM>); prints the DNS TXT record
          dkim list DOMAIN                   selectors, state and TXT records of a domain's keys
          dkim retire DOMAIN SELECTOR        stop signing with a key (keep its TXT record until mail signed with it is read)
          dkim remove DOMAIN SELECTOR        delete a retired key
        """;

    private IDkimKeyStore Keys => services.GetRequiredService<IDkimKeyStore>();

    /// <summary>Runs <paramref name="words"/> (starting with "dkim"); <c>--selector S</c> may follow the domain.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        return (words.Count > 1 ? words[1] : "", words.Count) switch
        {
            ("generate", 3) => await GenerateAsync(words[2], null, ct),
            ("generate", 5) when words[3] == "--selector" => await GenerateAsync(words[2], words[4], ct),
            ("list", 3) => await ListAsync(words[2], ct),
            ("retire", 4) => await Report(await Keys.DeactivateAsync(words[2], words[3], ct), $"key {words[3]} of {words[2]} retired: mail is no longer signed with it", words),
            ("remove", 4) => await Report(await Keys.RemoveAsync(words[2], words[3], ct), $"key {words[3]} of {words[2]} removed", words),
            _ => await FailAsync("usage:\n" + Usage, 2),
        };
    }

    private async Task<int> GenerateAsync(string domain, string? selector, CancellationToken ct)
    {
        string name = DirectoryKeys.Domain(domain);
        if (!await services.GetRequiredService<IMailDirectory>().IsLocalDomainAsync(name, ct))
            return await FailAsync($"error: {name} is not a local domain (add it with 'cloudmail domain add {name}')", 1);
        TimeProvider time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        string chosen = DkimSelector.Normalize(selector ?? DkimSelector.Default(time.GetUtcNow()));
        DkimKey key;
        if (services.GetService<IRemoteDkimKeyCreator>() is { } vault)
        {
            // Checked first so that a taken selector does not leave an unused key in the vault.
            if ((await Keys.ListAsync(name, ct)).Any(k => k.Selector == chosen))
                return await FailAsync($"error: {name} already has a DKIM key with selector {chosen}", 1);
            try
            {
                key = await vault.CreateAsync(name, chosen, time.GetUtcNow(), ct);
            }
            catch (DkimKeyUnavailableException e)
            {
                return await FailAsync("error: " + e.Message, 1);
            }
        }
        else
        {
            key = DkimKeyGenerator.NewRsaKey(name, chosen, time.GetUtcNow());
        }
        await Keys.AddAsync(key, ct);
        await stdout.WriteLineAsync(DkimDnsRecord.ZoneFileLine(key));
        string where = key.IsRemote ? $" in the key vault ({key.RemoteKeyId})" : "";
        await stderr.WriteLineAsync($"created DKIM key {key.Selector} for {name}{where}; outbound mail from {name} is signed with it from now on: publish the TXT record above");
        return 0;
    }

    private async Task<int> ListAsync(string domain, CancellationToken ct)
    {
        foreach (DkimKey key in await Keys.ListAsync(domain, ct))
        {
            string state = key.Active ? "active" : "retired";
            await stdout.WriteLineAsync($"{key.Selector}  {state}  created {key.CreatedAt:yyyy-MM-dd HH:mm:ss}Z  {DkimDnsRecord.ZoneFileLine(key)}");
        }
        return 0;
    }

    private async Task<int> Report(bool ok, string success, IReadOnlyList<string> words)
    {
        if (!ok) return await FailAsync($"no DKIM key {words[3]} for {words[2]}", 1);
        await stdout.WriteLineAsync(success);
        return 0;
    }

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
