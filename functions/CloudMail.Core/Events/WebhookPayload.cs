using System.Text.Json;
using CloudMail.Core.DeliveryLog;

namespace CloudMail.Core.Events;

/// <summary>
/// The JSON body of one event POST (docs/webhooks.md):
/// <code>
/// { "id", "type", "timestamp", "messageId",
///   "envelope": { "from", "recipients": [...] },
///   "headers": { "from", "to", "subject", "messageId", "date", "authenticationResults", "spamStatus" },
///   "recipients": [ { "address", "status", "reply" } ],      (delivered, deferred, bounced)
///   "rawSize": n, "raw": "base64 MIME" }                      (received; raw only up to CloudMail:Events:MaxRawBytes)
/// </code>
/// <c>headers</c> is null when the message is no longer stored. Pure: the same input gives the same bytes.
/// </summary>
public static class WebhookPayload
{
    /// <summary>Builds the body (UTF-8 JSON, camelCase).</summary>
    /// <param name="eventId">The event id (<see cref="EventJobs.EventId"/>).</param>
    /// <param name="type">The event type.</param>
    /// <param name="timestamp">When the event happened.</param>
    /// <param name="messageId">CloudMail's message id.</param>
    /// <param name="mailFrom">Envelope sender; empty for the null sender.</param>
    /// <param name="recipients">The recipients this event is about.</param>
    /// <param name="headers">The message's header summary, or null when the message is gone.</param>
    /// <param name="deliveries">Outbound events: the recipients' delivery-log records; null for received.</param>
    /// <param name="rawSize">Received: the message size; null for other events.</param>
    /// <param name="raw">Received: the message bytes when small enough, else null.</param>
    public static byte[] Build(string eventId, MailEventType type, DateTimeOffset timestamp, string messageId, string mailFrom,
        IReadOnlyList<string> recipients, MessageHeaderSummary? headers, IReadOnlyList<DeliveryRecord>? deliveries, long? rawSize, byte[]? raw)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", eventId);
            w.WriteString("type", MailEventTypes.WireName(type));
            w.WriteString("timestamp", timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("messageId", messageId);
            w.WriteStartObject("envelope");
            w.WriteString("from", mailFrom);
            w.WriteStartArray("recipients");
            foreach (string r in recipients) w.WriteStringValue(r);
            w.WriteEndArray();
            w.WriteEndObject();
            WriteHeaders(w, headers);
            if (deliveries is not null)
            {
                w.WriteStartArray("recipients");
                foreach (DeliveryRecord d in deliveries)
                {
                    w.WriteStartObject();
                    w.WriteString("address", d.Recipient);
                    w.WriteString("status", d.Status.ToString().ToLowerInvariant());
                    w.WriteString("reply", d.LastReply);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (rawSize is long size) w.WriteNumber("rawSize", size);
            if (raw is not null) w.WriteBase64String("raw", raw);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteHeaders(Utf8JsonWriter w, MessageHeaderSummary? headers)
    {
        if (headers is null)
        {
            w.WriteNull("headers");
            return;
        }
        w.WriteStartObject("headers");
        w.WriteString("from", headers.From);
        w.WriteString("to", headers.To);
        w.WriteString("subject", headers.Subject);
        w.WriteString("messageId", headers.MessageId);
        w.WriteString("date", headers.Date);
        w.WriteString("authenticationResults", headers.AuthenticationResults);
        w.WriteString("spamStatus", headers.SpamStatus);
        w.WriteEndObject();
    }
}
