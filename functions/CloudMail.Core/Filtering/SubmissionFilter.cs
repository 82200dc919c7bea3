namespace CloudMail.Core.Filtering;

/// <summary>
/// The check of mail that authenticated users submit (SMTP 587/465, or AUTH on port 25): only what protects the
/// recipients from our own users, i.e. the virus scan (CloudMail.Filtering registers it when a scanner is configured);
/// no authentication or spam checks, no header changes. <see cref="Check"/> null: submissions are not checked.
/// </summary>
public sealed class SubmissionFilter(IInboundFilter? check)
{
    /// <summary>No check of submissions.</summary>
    public static SubmissionFilter None { get; } = new(null);

    public IInboundFilter? Check { get; } = check;
}
