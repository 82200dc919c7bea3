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
/// <param name="Status">
/// <c>pending</c> (accepted, not routed or not tried yet), <c>delivered</c> (stored locally, or accepted by the remote
/// server), <c>deferred</c> (a remote server or the network failed transiently; a retry is scheduled) or <c>failed</c>
/// (will never be delivered: bounced to the sender with an RFC 3464 report unless it asked for none).
/// </param>
/// <param name="Attempts">Finished attempts (for remote recipients: SMTP deliveries tried); 0 while only accepted.</param>
/// <param name="LastReply">Last SMTP reply (the remote server's for remote recipients) or a short reason; null before any attempt.</param>
public sealed record RecipientStatus(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("lastReply")] string? LastReply,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt);
