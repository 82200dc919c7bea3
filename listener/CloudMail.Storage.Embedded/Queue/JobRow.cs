namespace CloudMail.Storage.Embedded.Queue;

/// <summary>A job as read inside the writer; deserialized outside it to keep the writer's critical path short.</summary>
internal sealed record JobRow(string Payload, string LeaseToken, int DeliveryCount, long EnqueuedAtMs);

/// <summary>A dead-lettered job as stored.</summary>
internal sealed record DeadLetterRow(string Payload, string Reason, int DeliveryCount, long DeadLetteredAtMs, long EnqueuedAtMs);

/// <summary>A waiting, leased or dead-lettered job as administration reads it (deserialized outside the writer).</summary>
internal sealed record AdminJobRow(string Payload, bool DeadLettered, long? VisibleAtMs, bool HasLease, int DeliveryCount, long EnqueuedAtMs,
    string? Reason, long? DeadLetteredAtMs);
