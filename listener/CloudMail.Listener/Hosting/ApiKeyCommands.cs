using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail apikey create DOMAIN | list DOMAIN | revoke KEYID</c>: per-domain keys for the HTTP send API.
/// <c>create</c> prints the key once on stdout (and nothing else there, so <c>KEY=$(cloudmail apikey create d)</c>
/// works); it cannot be shown again. Exit codes as for every admin command: 0 done, 1 failed, 2 usage.
/// </summary>
public sealed class ApiKeyCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          apikey create DOMAIN               create a send API key for a local domain (printed once)
          apikey list DOMAIN                 list key ids and creation times
          apikey revoke KEYID                revoke a key at once
        """;

    private IApiKeyStore Keys => services.GetRequiredService<IApiKeyStore>();

    /// <summary>Runs <paramref name="words"/> (starting with "apikey"); returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        return (words.Count > 1 ? words[1] : "", words.Count) switch
        {
            ("create", 3) => await CreateAsync(words[2].Trim().ToLowerInvariant(), ct),
            ("list", 3) => await ListAsync(words[2].Trim().ToLowerInvariant(), ct),
            ("revoke", 3) => await RevokeAsync(words[2].Trim(), ct),
            _ => await FailAsync("usage:\n" + Usage, 2),
        };
    }

    private async Task<int> CreateAsync(string domain, CancellationToken ct)
    {
        CreatedApiKey created;
        try
        {
            created = await services.GetRequiredService<SendApiKeyAdministration>().CreateAsync(domain, ct);
        }
        catch (DirectoryEntryNotFoundException e)
        {
            return await FailAsync("error: " + e.Message, 1);
        }
        await stdout.WriteLineAsync(created.Key);
        await stderr.WriteLineAsync($"created key {created.Info.KeyId} for {domain}; store it now, it cannot be shown again");
        return 0;
    }

    private async Task<int> ListAsync(string domain, CancellationToken ct)
    {
        foreach (var key in await Keys.ListAsync(domain, ct))
            await stdout.WriteLineAsync($"{key.KeyId}  {key.Domain}  created {key.CreatedAt:yyyy-MM-dd HH:mm:ss}Z");
        return 0;
    }

    private async Task<int> RevokeAsync(string keyId, CancellationToken ct)
    {
        if (!await services.GetRequiredService<SendApiKeyAdministration>().RevokeAsync(keyId, ct)) return await FailAsync($"no such key: {keyId}", 1);
        await stdout.WriteLineAsync($"key {keyId} revoked");
        return 0;
    }

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
