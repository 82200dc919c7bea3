using CloudMail.Core.Messages;

namespace CloudMail.Core.Delivery;

/// <summary>
/// Who is told what about a recipient (RFC 3461 §4.1 NOTIFY; RFC 5321 §4.5.5 and §6.1 for the null sender). Pure.
/// </summary>
public static class DsnPolicy
{
    /// <summary>
    /// True when notifications may be sent to the reverse-path <paramref name="mailFrom"/> at all: never to the null
    /// sender (RFC 5321 §4.5.5: a bounce is never answered with a bounce, which is what stops loops).
    /// </summary>
    public static bool MayNotify(string mailFrom) => !string.IsNullOrEmpty(mailFrom);

    /// <summary>A failure DSN: NOTIFY absent (the default includes failure) or containing FAILURE; never with NEVER.</summary>
    public static bool WantsFailure(DsnNotify notify) => notify == DsnNotify.Default || notify.HasFlag(DsnNotify.Failure);

    /// <summary>A delay DSN: NOTIFY absent (at the server's discretion, which CloudMail exercises) or containing DELAY.</summary>
    public static bool WantsDelay(DsnNotify notify) => notify == DsnNotify.Default || notify.HasFlag(DsnNotify.Delay);

    /// <summary>A success ("relayed") DSN: only when NOTIFY contains SUCCESS.</summary>
    public static bool WantsSuccess(DsnNotify notify) => notify.HasFlag(DsnNotify.Success) && !notify.HasFlag(DsnNotify.Never);

    /// <summary>The NOTIFY of <paramref name="recipient"/> in <paramref name="envelope"/>, <see cref="DsnNotify.Default"/> when not given.</summary>
    public static DsnNotify NotifyOf(Envelope envelope, string recipient) => envelope.Dsn?.For(recipient)?.Notify ?? DsnNotify.Default;
}
