namespace CloudMail.Storage.Azure.Locks;

/// <summary>
/// Section <c>CloudMail:Azure:MaildropLease</c>: the POP3 maildrop lock across listener replicas (<see cref="BlobLeaseMaildropLocks"/>).
/// </summary>
public sealed class MaildropLeaseOptions
{
    public const string Section = "CloudMail:Azure:MaildropLease";

    /// <summary>
    /// Lease duration: how long a crashed replica's POP3 session keeps its maildrop locked. The Blob service allows 15 to
    /// 60 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a live session renews its lease; well under <see cref="LeaseDuration"/> so one failed renewal is survived.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The problems with these values (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (LeaseDuration < TimeSpan.FromSeconds(15) || LeaseDuration > TimeSpan.FromSeconds(60))
            problems.Add($"{Section}:LeaseDuration must be between 15 and 60 seconds (the Blob service's lease limits)");
        if (RenewInterval <= TimeSpan.Zero || RenewInterval * 2 > LeaseDuration)
            problems.Add($"{Section}:RenewInterval must be positive and at most half of LeaseDuration");
        return problems;
    }
}
