using CloudMail.Core.Mailboxes;

namespace CloudMail.Core.Quotas;

/// <summary>The limits that apply to an account after defaults are filled in; 0 = unlimited.</summary>
public sealed record QuotaLimits(long StorageBytes, long Messages)
{
    /// <summary>Neither resource is limited.</summary>
    public bool IsUnlimited => StorageBytes == 0 && Messages == 0;
}

/// <summary>An account's limits and what it uses (RFC 9208 §5: STORAGE and MESSAGE resources).</summary>
public sealed record QuotaStatus(QuotaLimits Limits, QuotaUsage Usage)
{
    /// <summary>
    /// True when adding <paramref name="bytes"/> bytes in <paramref name="messages"/> messages keeps every limited resource
    /// at or below its limit (RFC 9208 §5: an operation that would exceed a limit fails).
    /// </summary>
    public bool Allows(long bytes, long messages) =>
        (Limits.StorageBytes == 0 || Usage.Bytes + bytes <= Limits.StorageBytes)
        && (Limits.Messages == 0 || Usage.Messages + messages <= Limits.Messages);

    /// <summary>True when a limited resource is used up: no further message fits (SMTP RCPT answers 452 4.2.2).</summary>
    public bool IsFull =>
        (Limits.StorageBytes > 0 && Usage.Bytes >= Limits.StorageBytes)
        || (Limits.Messages > 0 && Usage.Messages >= Limits.Messages);
}
