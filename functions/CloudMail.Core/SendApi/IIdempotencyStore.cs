namespace CloudMail.Core.SendApi;

/// <summary>
/// Fingerprints of send API requests that carried an <c>Idempotency-Key</c>, so that reusing a key with a different
/// request is refused (422, draft-ietf-httpapi-idempotency-key-header §2.7) instead of answered with the first message's
/// id. The key is the message id derived from (API key id, Idempotency-Key) (<c>CloudMail.SendApi.IdempotencyKeys</c>), so
/// two API keys never share a record; the fingerprint is a SHA-256 of the request (<c>CloudMail.SendApi.RequestFingerprint</c>).
/// The send API claims the key before it commits the message, and a record is never changed: the key stays bound to the
/// first request's content even when that request then failed (as Stripe's keys do), and a retry with that content finds
/// the message or stores it then. Records are removed only by <see cref="ForgetClaimedBeforeAsync"/>
/// (<see cref="Retention.RetentionSweeper"/>, after <see cref="Retention.RetentionOptions.IdempotencyKeys"/>).
/// </summary>
/// <remarks>
/// Designed for the weaker backend: one point write and, on a conflict, one point read. Embedded: a SQLite table keyed by
/// the key (its own file). Azure Table: partition key = the key, so claims never contend across keys. A record is about
/// 100 bytes.
/// </remarks>
public interface IIdempotencyStore
{
    /// <summary>
    /// Records <paramref name="fingerprint"/> for <paramref name="key"/> unless the key has a record, and returns the
    /// fingerprint on record afterwards: <paramref name="fingerprint"/> when this call recorded it (or an equal one was
    /// recorded before), else the earlier one; <see cref="IdempotencyClaim.RecordedNow"/> says whether this call wrote the
    /// record. Atomic: of concurrent claims of one key exactly one records its fingerprint (and is told so) and every call
    /// returns that fingerprint. Durable when it returns.
    /// </summary>
    /// <param name="key">A message id (<see cref="Messages.MessageIds.IsValid"/>).</param>
    /// <param name="fingerprint">Lower-case hex, at most 128 characters.</param>
    Task<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken);

    /// <summary>
    /// Removes every record made before <paramref name="before"/> and returns how many. A key whose record is gone is
    /// claimed anew by its next request. Safe to run beside claims (a record made meanwhile is newer than the cutoff) and
    /// to interrupt (what was removed stays removed; the next run does the rest).
    /// </summary>
    Task<int> ForgetClaimedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
