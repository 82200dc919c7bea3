namespace CloudMail.Storage.Embedded.Queue;

/// <summary>A job as read inside the writer; deserialized outside it to keep the writer's critical path short.</summary>
internal sealed record JobRow(string Payload, string LeaseToken, int DeliveryCount, long EnqueuedAtMs);

/// <summary>A dead-lettered job as stored.</summary>
internal sealed record DeadLetterRow(string Payload, string Reason, int DeliveryCount, long DeadLetteredAtMs);
