namespace CloudMail.Core.Retention;

/// <summary>
/// Section <c>CloudMail:Retention</c>: how long the records that every message leaves behind, and old mail in Junk and
/// Trash, are kept, in both backends (<see cref="RetentionSweeper"/>, run every <see cref="Interval"/> by <c>serve</c>
/// and by the Functions app's retention timer). Without it the delivery log and the send API's idempotency records would
/// grow with every message forever, and filed spam would fill every quota. Zero keeps them forever.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "CloudMail:Retention";

    /// <summary>
    /// A message's delivery-log records and attempts (trace, send API status, dashboard) are deleted this long after their
    /// last write, once every recipient is delivered or bounced; a message still pending, deferred or quarantined is kept.
    /// After that <c>GET /api/v1/messages/{id}</c> and <c>cloudmail trace</c> answer "not found". Zero keeps them forever.
    /// </summary>
    public TimeSpan DeliveryLog { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The send API's Idempotency-Key records are deleted this long after the key's first request; a later request with
    /// the key is then checked against the message, not the first request's content (a stored message still answers
    /// with its id; once the message and its log are gone too, the request is a new message). At most
    /// <see cref="DeliveryLog"/> (a retry finds its message through the log while the key is on record). Zero keeps
    /// them forever (then <see cref="DeliveryLog"/> must be zero too).
    /// </summary>
    public TimeSpan IdempotencyKeys { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Messages in a Junk mailbox (special use \Junk) longer than this — since they were put there (SAVEDATE), else their
    /// INTERNALDATE — are expunged (<see cref="MailboxAutoExpunger"/>), as Dovecot's autoexpunge and Gmail do. Zero keeps them.
    /// </summary>
    public TimeSpan Junk { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Messages in a Trash mailbox (special use \Trash) longer than this are expunged, as for <see cref="Junk"/>. Zero keeps them.</summary>
    public TimeSpan Trash { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Messages held in the virus quarantine longer than this are deleted as <c>cloudmail quarantine delete</c> does
    /// (bytes gone, recipients logged as failed); release one before then to deliver it. Zero keeps them until an
    /// administrator decides.
    /// </summary>
    public TimeSpan Quarantine { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Spam-training signals (a user filing mail into or out of Junk, <c>cloudmail spam training list</c>) that were taught
    /// to the scorer or given up are deleted this long after they were recorded; pending ones stay. Zero keeps them.
    /// </summary>
    public TimeSpan SpamTraining { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Time between sweeps in <c>serve</c>, and between the Azure listener's spam-training prunes (the Functions app's timer runs daily).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (DeliveryLog < TimeSpan.Zero) yield return $"{Section}:DeliveryLog must not be negative";
        if (IdempotencyKeys < TimeSpan.Zero) yield return $"{Section}:IdempotencyKeys must not be negative";
        if (Interval <= TimeSpan.Zero) yield return $"{Section}:Interval must be positive";
        if (Junk < TimeSpan.Zero) yield return $"{Section}:Junk must not be negative";
        if (Trash < TimeSpan.Zero) yield return $"{Section}:Trash must not be negative";
        if (Quarantine < TimeSpan.Zero) yield return $"{Section}:Quarantine must not be negative";
        if (SpamTraining < TimeSpan.Zero) yield return $"{Section}:SpamTraining must not be negative";
        if (DeliveryLog > TimeSpan.Zero && (IdempotencyKeys == TimeSpan.Zero || IdempotencyKeys > DeliveryLog))
            yield return $"{Section}:IdempotencyKeys must be at most {Section}:DeliveryLog (a retry is told its message is accepted through the log while its key is on record)";
    }
}
