using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail admin-key create --scope SCOPES | list | revoke KEYID</c>: keys of the HTTP admin API
/// (<see cref="IAdminKeyStore"/>), separate from the send API's <c>apikey</c>s. <c>create</c> prints the key once on stdout
/// and nothing else there (<c>KEY=$(cloudmail admin-key create --scope admin:read)</c>). SCOPES is
/// <see cref="AdminScopes.Read"/> and/or <see cref="AdminScopes.Write"/>, comma-separated or as repeated <c>--scope</c>.
/// Exit codes as for every admin command: 0 done, 1 failed, 2 usage.
/// </summary>
public sealed class AdminKeyCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          admin-key create --scope SCOPES    create an admin API key (printed once); SCOPES: admin:read,admin:write
          admin-key list                     list admin key ids, scopes and creation times
          admin-key revoke KEYID             revoke an admin key at once
        """;

    private IAdminKeyStore Keys => services.GetRequiredService<IAdminKeyStore>();

    /// <summary>Runs <paramref name="words"/> (starting with "admin-key"); returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        return (words.Count > 1 ? words[1] : "", words.Count) switch
        {
            ("create", >= 4) when words.Skip(2).Where((_, i) => i % 2 == 0).All(w => w == "--scope") && words.Count % 2 == 0 =>
                await CreateAsync(words.Skip(3).Where((_, i) => i % 2 == 0), ct),
            ("list", 2) => await ListAsync(ct),
            ("revoke", 3) => await RevokeAsync(words[2].Trim(), ct),
            _ => await FailAsync("usage:\n" + Usage, 2),
        };
    }

    private async Task<int> CreateAsync(IEnumerable<string> scopeWords, CancellationToken ct)
    {
        if (AdminScopes.Parse(scopeWords, out string? problem) is not { } scopes) return await FailAsync("error: " + problem, 1);
        var created = await Keys.CreateAsync(scopes, ct);
        await stdout.WriteLineAsync(created.Key);
        await stderr.WriteLineAsync($"created admin key {created.Info.KeyId} ({string.Join(' ', scopes)}); store it now, it cannot be shown again");
        return 0;
    }

    private async Task<int> ListAsync(CancellationToken ct)
    {
        foreach (var key in await Keys.ListAsync(ct))
            await stdout.WriteLineAsync($"{key.KeyId}  {string.Join(',', key.Scopes)}  created {key.CreatedAt:yyyy-MM-dd HH:mm:ss}Z");
        return 0;
    }

    private async Task<int> RevokeAsync(string keyId, CancellationToken ct)
    {
        if (!await Keys.RevokeAsync(keyId, ct)) return await FailAsync($"no such admin key: {keyId}", 1);
        await stdout.WriteLineAsync($"admin key {keyId} revoked");
        return 0;
    }

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
