namespace CloudMail.Core.Quotas;

/// <summary>What the inbound stage does with a message for a local mailbox that it would take over its quota.</summary>
public enum OverQuotaDelivery
{
    /// <summary>
    /// A transient failure: the recipient is retried every <see cref="QuotaOptions.OverQuotaRetryInterval"/> (the user may
    /// make room meanwhile) and bounced with <c>5.2.2</c> once <see cref="QuotaOptions.OverQuotaRetryFor"/> has passed.
    /// </summary>
    Defer,

    /// <summary>A permanent failure: the sender gets a failure DSN with <c>5.2.2</c> (mailbox full, RFC 3463) at once.</summary>
    Bounce,
}

/// <summary>
/// Section <c>CloudMail:Quota</c> (Functions app settings <c>CloudMail__Quota__…</c>): mailbox quotas (RFC 9208), bound and
/// validated at start in both hosts. An account's own limits (<c>cloudmail user quota</c>, kept in the directory) replace
/// these defaults; 0 means unlimited. Enforced by IMAP APPEND/COPY/MOVE (<c>NO [OVERQUOTA]</c>), SMTP RCPT
/// (<c>452 4.2.2</c> while the account is full) and the inbound stage (<see cref="OverQuotaDelivery"/>).
/// </summary>
public sealed class QuotaOptions
{
    public const string Section = "CloudMail:Quota";

    /// <summary>
    /// Storage limit of an account without one of its own, in bytes; 0 = unlimited. 10 GiB by default: far above what a
    /// personal mailbox usually holds, so an upgraded server refuses nobody's mail by surprise, yet one runaway mailbox
    /// (a mail loop, a flood) cannot fill the disk or the storage account.
    /// </summary>
    public long DefaultStorageBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>Message-count limit of an account without one of its own; 0 = unlimited.</summary>
    public long DefaultMessages { get; set; } = 0;

    /// <summary>What the inbound stage does when a message would take a mailbox over its quota: <c>Defer</c> or <c>Bounce</c>.</summary>
    public OverQuotaDelivery OverQuotaDelivery { get; set; } = OverQuotaDelivery.Defer;

    /// <summary>With <c>Defer</c>: time between two delivery attempts to a full mailbox.</summary>
    public TimeSpan OverQuotaRetryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>With <c>Defer</c>: how long after acceptance a message for a full mailbox is retried before it bounces (5.2.2).</summary>
    public TimeSpan OverQuotaRetryFor { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (DefaultStorageBytes < 0) yield return $"{Section}:DefaultStorageBytes must be 0 (unlimited) or positive";
        if (DefaultMessages < 0) yield return $"{Section}:DefaultMessages must be 0 (unlimited) or positive";
        if (!Enum.IsDefined(OverQuotaDelivery)) yield return $"{Section}:OverQuotaDelivery must be Defer or Bounce";
        if (OverQuotaRetryInterval < TimeSpan.FromMinutes(1)) yield return $"{Section}:OverQuotaRetryInterval must be at least one minute";
        if (OverQuotaRetryFor < TimeSpan.Zero) yield return $"{Section}:OverQuotaRetryFor must not be negative";
    }
}
