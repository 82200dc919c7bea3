using System.Collections.Concurrent;
using CloudMail.Core.SendApi;

namespace CloudMail.SendApi.Tests.Fakes;

/// <summary>First-claim-wins fingerprints in memory, with the contract's semantics.</summary>
internal sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    public ConcurrentDictionary<string, string> Records { get; } = new(StringComparer.Ordinal);

    public Task<string> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken) =>
        Task.FromResult(Records.GetOrAdd(key, fingerprint));
}
