using System.Collections.Concurrent;
using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;

namespace CloudMail.SendApi.Tests.Fakes;

/// <summary>API keys in memory, stored hashed through <see cref="ApiKeyFormat"/> like the real stores.</summary>
internal sealed class InMemoryApiKeyStore : IApiKeyStore
{
    private readonly ConcurrentDictionary<string, (ApiKeyInfo Info, string Hash)> _keys = new();

    public Task<CreatedApiKey> CreateAsync(string domain, CancellationToken cancellationToken)
    {
        var (id, secret, key) = ApiKeyFormat.NewKey();
        var info = new ApiKeyInfo(id, domain.ToLowerInvariant(), DateTimeOffset.UtcNow);
        _keys[id] = (info, ApiKeyFormat.HashSecret(secret));
        return Task.FromResult(new CreatedApiKey(info, key));
    }

    public Task<ApiKeyInfo?> VerifyAsync(string presentedKey, CancellationToken cancellationToken) =>
        Task.FromResult(ApiKeyFormat.TryParse(presentedKey, out string id, out string secret)
                        && _keys.TryGetValue(id, out var entry) && ApiKeyFormat.SecretMatches(secret, entry.Hash)
            ? entry.Info
            : null);

    public Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string domain, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ApiKeyInfo>>(_keys.Values.Select(e => e.Info).Where(i => i.Domain == domain).ToList());

    public Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken) => Task.FromResult(_keys.TryRemove(keyId, out _));
}
