namespace CloudMail.Core.SendApi;

/// <summary>What <see cref="IIdempotencyStore.ClaimAsync"/> found or did.</summary>
/// <param name="Fingerprint">The fingerprint on record for the key after the claim: the caller's, or an earlier request's.</param>
/// <param name="RecordedNow">
/// True only for the one call that wrote the record: no request with this key is on record before it (never used, or its
/// record was forgotten after <see cref="Retention.RetentionOptions.IdempotencyKeys"/>).
/// </param>
public sealed record IdempotencyClaim(string Fingerprint, bool RecordedNow);
