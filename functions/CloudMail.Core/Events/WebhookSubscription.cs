namespace CloudMail.Core.Events;

/// <summary>
/// An application's subscription to mail events (<see cref="MailEventPublisher"/>, <see cref="EventStage"/>).
/// </summary>
/// <param name="Id">Opaque, unique id (<see cref="WebhookAdministration"/> makes it).</param>
/// <param name="Scope">Whose mail: a local domain or an address in one, lower-cased (<see cref="WebhookScope"/>).</param>
/// <param name="Url">Absolute http or https URL the events are POSTed to.</param>
/// <param name="Secret">
/// The HMAC key of <see cref="WebhookSignature"/>. Stored as it is, like DKIM private keys: the server needs the key
/// itself to sign, so a hash would not do; whoever can read the store can forge events for this subscription.
/// </param>
/// <param name="Events">The event types wanted, at least one.</param>
/// <param name="CreatedAt">When it was added.</param>
public sealed record WebhookSubscription(string Id, string Scope, string Url, string Secret, IReadOnlyList<MailEventType> Events, DateTimeOffset CreatedAt)
{
    /// <summary>True when the subscription wants <paramref name="type"/>.</summary>
    public bool Wants(MailEventType type) => Events.Contains(type);

    /// <summary>Equal when every field is, the event lists compared item by item.</summary>
    public bool Equals(WebhookSubscription? other) =>
        other is not null && Id == other.Id && Scope == other.Scope && Url == other.Url && Secret == other.Secret
        && Events.SequenceEqual(other.Events) && CreatedAt == other.CreatedAt;

    public override int GetHashCode() => HashCode.Combine(Id, Scope, Url, CreatedAt);
}
