namespace CloudMail.Core.Filtering.Greylisting;

/// <summary>One greylisting triplet as stored: when it was first seen in its current round, and when it last passed.</summary>
/// <param name="FirstSeen">The first attempt of the current round (a retry that came too late starts a new round).</param>
/// <param name="PassedAt">When a retry last passed (null: not passed yet); refreshed at most hourly while in use.</param>
public sealed record GreylistTriplet(DateTimeOffset FirstSeen, DateTimeOffset? PassedAt);

/// <summary>A client network's passed triplets: the count towards auto-allowing it, and the last pass.</summary>
public sealed record GreylistClient(int Passed, DateTimeOffset LastPassed);

/// <summary>
/// Where the greylist keeps its triplets and client networks. The decisions are the listener's (<c>Greylist</c>); a store
/// only keeps records by opaque key (the triplet "network\nsender\nrecipient", the client network "192.0.2.0/24").
/// Shared by every listener replica in Azure mode (a Table), so a retry that reaches another replica counts; in memory in
/// embedded mode (one process; a restart greylists senders once more, which costs a delay, never mail).
/// </summary>
/// <remarks>
/// No method needs to be atomic: writes are last-writer-wins, and a lost update costs at most one more delay or one
/// more pass (greylisting is a heuristic, not an account). Every method may throw a storage failure; the greylist then
/// lets the message through rather than refusing mail because its own store is down.
/// </remarks>
public interface IGreylistStore
{
    /// <summary>The triplet on record for <paramref name="key"/>, or null.</summary>
    ValueTask<GreylistTriplet?> GetTripletAsync(string key, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="triplet"/> for <paramref name="key"/>, replacing what was there.</summary>
    ValueTask SaveTripletAsync(string key, GreylistTriplet triplet, CancellationToken cancellationToken);

    /// <summary>The client network on record for <paramref name="network"/>, or null.</summary>
    ValueTask<GreylistClient?> GetClientAsync(string network, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="client"/> for <paramref name="network"/>, replacing what was there.</summary>
    ValueTask SaveClientAsync(string network, GreylistClient client, CancellationToken cancellationToken);

    /// <summary>
    /// Removes triplets never passed and first seen before <paramref name="unpassedBefore"/>, and triplets and client
    /// networks last passed before <paramref name="passedBefore"/>; returns how many records went. Idempotent.
    /// </summary>
    Task<int> ForgetExpiredAsync(DateTimeOffset unpassedBefore, DateTimeOffset passedBefore, CancellationToken cancellationToken);
}
