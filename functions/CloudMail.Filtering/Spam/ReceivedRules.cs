using System.Text.RegularExpressions;
using CloudMail.Core.Messages;
using MimeKit;

namespace CloudMail.Filtering.Spam;

/// <summary>
/// Trace-field rules (RFC 5321 §4.4). CloudMail puts its own <c>Received</c> field on top of every message it accepts on
/// port 25 (<c>from HELO ([client]) by HOST ...</c>); the fields below it were written by the sender's side. A field
/// there claiming to have been added <c>by</c> this server's own host name is forged, a trick to make outside mail look
/// as if it had passed through here before: <c>RCVD_FORGED_OWN</c> 2.0. Our field is recognized by its <c>from</c> part
/// naming the session's HELO name and client address; without it (another intake path) the rule does not apply. Pure.
/// </summary>
public static partial class ReceivedRules
{
    public static IReadOnlyList<SpamHit> Evaluate(MimeMessage message, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(envelope);
        var received = message.Headers.Where(h => h.Id == HeaderId.Received).Select(h => Unfolded(h.Value)).ToList();
        try
        {
            if (received.Count < 2 || !IsOurs(received[0], envelope) || ByHost(received[0]) is not { } ownHost) return [];
            return received.Skip(1).Any(r => string.Equals(ByHost(r), ownHost, StringComparison.OrdinalIgnoreCase))
                ? [new SpamHit("RCVD_FORGED_OWN", 2.0)]
                : [];
        }
        catch (RegexMatchTimeoutException)
        {
            return [];
        }
    }

    /// <summary>The field CloudMail's SMTP session wrote: <c>from HELO ([address])</c> of this session.</summary>
    private static bool IsOurs(string field, Envelope envelope)
    {
        string helo = envelope.HeloName.Length == 0 ? "unknown" : envelope.HeloName;
        return field.StartsWith($"from {helo} ([{envelope.RemoteAddress}])", StringComparison.OrdinalIgnoreCase)
            || field.StartsWith($"from {helo} ([IPv6:{envelope.RemoteAddress}])", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The host name after the first <c>by</c> of a Received field, or null.</summary>
    private static string? ByHost(string field)
    {
        var m = By().Match(field);
        return m.Success ? m.Groups["host"].Value.TrimEnd('.') : null;
    }

    private static string Unfolded(string value) => value.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();

    [GeneratedRegex(@"(?:^|[\s)])by\s+(?<host>[^\s;()\[\]]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex By();
}
