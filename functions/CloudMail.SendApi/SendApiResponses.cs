using System.Text.Json.Serialization;

namespace CloudMail.SendApi;

/// <summary>Body of <c>202 Accepted</c>: the id to poll with <c>GET /api/v1/messages/{messageId}</c>.</summary>
public sealed record SubmitResponse([property: JsonPropertyName("messageId")] string MessageId);

/// <summary>Body of <c>GET /api/v1/messages/{id}</c>: one entry per envelope recipient, sorted by address.</summary>
/// <param name="Recipients">Empty while the message waits to be routed and no entry was recorded yet.</param>
public sealed record MessageStatusResponse(
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("recipients")] IReadOnlyList<RecipientStatus> Recipients);

/// <summary>One recipient's delivery state from the delivery log.</summary>
/// <param name="Status"><c>pending</c>, <c>delivered</c>, <c>deferred</c> or <c>failed</c>.</param>
/// <param name="Attempts">Finished attempts; 0 while only accepted.</param>
/// <param name="LastReply">Last SMTP reply or a short reason; null before any attempt.</param>
public sealed record RecipientStatus(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("lastReply")] string? LastReply,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt);
