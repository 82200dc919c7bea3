using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Queue;

namespace CloudMail.Core.Events;

/// <summary>
/// The shape of event jobs on <see cref="QueueNames.Events"/>: the source job (claim-check and envelope) with
/// <see cref="MailJob.Recipients"/> = the recipients the event is about and <see cref="MailJob.Event"/> =
/// <c>{wire name}|{subscription id}</c>. Ids are deterministic, so publishing again after a crash enqueues nothing new.
/// </summary>
public static class EventJobs
{
    /// <summary>
    /// The JobId <c>{messageId}:event:{name}:{subscriptionId}:{hash}</c>, the hash over the (sorted) recipients and the
    /// outbound attempt, so each attempt's deferral is an event of its own while a redelivered stage's is the same one.
    /// </summary>
    public static string JobId(string messageId, MailEventType type, string subscriptionId, IEnumerable<string> recipients, int attempt)
    {
        string material = string.Join("\n", recipients.Select(r => r.ToLowerInvariant()).Order(StringComparer.Ordinal))
            + "\n#" + attempt.ToString(CultureInfo.InvariantCulture);
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)))[..12];
        return $"{messageId}:event:{MailEventTypes.ShortName(type)}:{subscriptionId}:{hash}";
    }

    /// <summary>The <see cref="MailJob.Event"/> value for <paramref name="type"/> and <paramref name="subscriptionId"/>.</summary>
    public static string Describe(MailEventType type, string subscriptionId) => MailEventTypes.WireName(type) + "|" + subscriptionId;

    /// <summary>Reads a <see cref="MailJob.Event"/> value; false for anything malformed. Never throws.</summary>
    public static bool TryParse(string? value, out MailEventType type, out string subscriptionId)
    {
        subscriptionId = "";
        type = default;
        int bar = value?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        if (bar <= 0 || bar == value!.Length - 1 || !MailEventTypes.TryParse(value[..bar], out type)) return false;
        subscriptionId = value[(bar + 1)..];
        return true;
    }

    /// <summary>
    /// The event id receivers see (payload <c>id</c>, header <c>CloudMail-Delivery</c>): <c>evt_</c> and a hash of the
    /// JobId, the same on every retry of the event, so a receiver can drop a repeat.
    /// </summary>
    public static string EventId(string jobId) => "evt_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobId)))[..32];
}
