namespace CloudMail.Core.Events;

/// <summary>What happened to a message that an application may subscribe to (<see cref="WebhookSubscription"/>).</summary>
public enum MailEventType
{
    /// <summary>The message reached a local mailbox (wire name <c>message.received</c>).</summary>
    Received,

    /// <summary>A remote server accepted the message for recipients (<c>message.delivered</c>).</summary>
    Delivered,

    /// <summary>A delivery attempt failed transiently; a retry is scheduled (<c>message.deferred</c>).</summary>
    Deferred,

    /// <summary>Delivery failed for good; a bounce goes to the sender (<c>message.bounced</c>).</summary>
    Bounced,

    /// <summary>
    /// The virus scan found a virus after the message was accepted; it is kept in the quarantine and not delivered
    /// (<c>message.quarantined</c>, <see cref="Quarantine.PipelineVirusCheck"/>).
    /// </summary>
    Quarantined,
}

/// <summary>The wire names of <see cref="MailEventType"/> and the <c>--events</c> list syntax.</summary>
public static class MailEventTypes
{
    /// <summary>Every event type, in declaration order.</summary>
    public static readonly IReadOnlyList<MailEventType> All = [MailEventType.Received, MailEventType.Delivered, MailEventType.Deferred, MailEventType.Bounced, MailEventType.Quarantined];

    /// <summary>The wire name, e.g. <c>message.received</c> (payload <c>type</c>, header <c>CloudMail-Event</c>).</summary>
    public static string WireName(MailEventType type) => "message." + ShortName(type);

    /// <summary>The short name used in <c>--events</c> lists and stored lists, e.g. <c>received</c>.</summary>
    public static string ShortName(MailEventType type) => type switch
    {
        MailEventType.Received => "received",
        MailEventType.Delivered => "delivered",
        MailEventType.Deferred => "deferred",
        MailEventType.Bounced => "bounced",
        MailEventType.Quarantined => "quarantined",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown event type."),
    };

    /// <summary>Parses a short or wire name (case-insensitive); false for anything else. Never throws.</summary>
    public static bool TryParse(string? text, out MailEventType type)
    {
        string name = (text ?? "").Trim().ToLowerInvariant();
        if (name.StartsWith("message.", StringComparison.Ordinal)) name = name["message.".Length..];
        foreach (MailEventType candidate in All)
        {
            if (ShortName(candidate) == name)
            {
                type = candidate;
                return true;
            }
        }
        type = default;
        return false;
    }

    /// <summary>
    /// Parses a comma-separated list of names (<c>received,bounced</c>) into distinct types in declaration order; false
    /// with a one-line <paramref name="error"/> for an empty list or an unknown name. Never throws.
    /// </summary>
    public static bool TryParseList(string? text, out IReadOnlyList<MailEventType> types, out string error)
    {
        var found = new HashSet<MailEventType>();
        foreach (string part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParse(part, out MailEventType type))
            {
                types = [];
                error = $"unknown event '{part}' (known: {string.Join(", ", All.Select(ShortName))})";
                return false;
            }
            found.Add(type);
        }
        types = [.. All.Where(found.Contains)];
        error = types.Count == 0 ? "no events given" : "";
        return types.Count > 0;
    }

    /// <summary>The list form of <paramref name="types"/>: short names joined by commas.</summary>
    public static string Format(IEnumerable<MailEventType> types) => string.Join(",", types.Select(ShortName));
}
