using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CloudMail.Core.Queue;

namespace CloudMail.Storage.Embedded.Queue;

/// <summary>
/// The stored form of a <see cref="MailJob"/>: System.Text.Json, camelCase, records bound through their
/// constructors (Envelope and BlobRef round-trip). The computed <see cref="MailJob.EffectiveRecipients"/> is
/// not stored.
/// </summary>
internal static class MailJobJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { SkipComputedProperties } },
    };

    public static string Serialize(MailJob job) => JsonSerializer.Serialize(job, Options);

    /// <summary>Throws <see cref="JsonException"/> when the payload is not a MailJob (corrupt row).</summary>
    public static MailJob Deserialize(string payload) =>
        JsonSerializer.Deserialize<MailJob>(payload, Options) ?? throw new JsonException("Queue payload is null.");

    private static void SkipComputedProperties(JsonTypeInfo info)
    {
        if (info.Type != typeof(MailJob)) return;
        for (int i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (info.Properties[i].AttributeProvider is PropertyInfo { Name: nameof(MailJob.EffectiveRecipients) })
            {
                info.Properties.RemoveAt(i);
            }
        }
    }
}
