using CloudMail.Core.Queue;

namespace CloudMail.Functions.Queueing;

/// <summary>
/// Retry copies of a job: <c>{JobId}:retry:{n}</c> for the n-th retry, so each copy has a MessageId of its own (duplicate
/// detection drops a repeated one, not a new one) and carries its retry count with it whatever the transport keeps.
/// </summary>
public static class RetryJobs
{
    public const string Marker = ":retry:";

    /// <summary>0 for an original job, n for its n-th retry copy.</summary>
    public static int RetryNumber(MailJob job)
    {
        int at = job.JobId.LastIndexOf(Marker, StringComparison.Ordinal);
        return at >= 0 && int.TryParse(job.JobId.AsSpan(at + Marker.Length), System.Globalization.NumberStyles.None, null, out int n) ? n : 0;
    }

    /// <summary>The copy for the next retry.</summary>
    public static MailJob Next(MailJob job)
    {
        int n = RetryNumber(job);
        string original = n == 0 ? job.JobId : job.JobId[..job.JobId.LastIndexOf(Marker, StringComparison.Ordinal)];
        return job with { JobId = original + Marker + (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
    }
}
