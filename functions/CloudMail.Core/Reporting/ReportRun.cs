namespace CloudMail.Core.Reporting;

/// <summary>
/// What one run of a daily report job did: reports submitted, domains without a (usable) reporting policy, domains left
/// for a later run (DNS trouble).
/// </summary>
public readonly record struct ReportRun(int Sent, int WithoutPolicy, int Deferred)
{
    public static ReportRun operator +(ReportRun a, ReportRun b) =>
        new(a.Sent + b.Sent, a.WithoutPolicy + b.WithoutPolicy, a.Deferred + b.Deferred);

    public static ReportRun Add(ReportRun a, ReportRun b) => a + b;
}
