using System.Collections.Concurrent;
using CloudMail.Core.SendApi;

namespace CloudMail.SendApi.Tests.Fakes;

/// <summary>First-claim-wins fingerprints in memory, with the contract's semantics.</summary>
internal sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    public ConcurrentDictionary<string, string> Records { get; } = new(StringComparer.Ordinal);

    public Task<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        bool recordedNow = Records.TryAdd(key, fingerprint);
        return Task.FromResult(new IdempotencyClaim(Records[key], recordedNow));
    }

    /// <summary>Forgets every record (this fake keeps no times).</summary>
    public Task<int> ForgetClaimedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        int count = Records.Count;
        Records.Clear();
        return Task.FromResult(count);
    }
}
