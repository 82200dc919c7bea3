using CloudMail.Core.Queue;

namespace CloudMail.Core.Quarantine;

/// <summary>
/// A message kept in the quarantine: found infected after it was accepted, never delivered. Its bytes stay in the blob
/// store (<see cref="MailJob.Blob"/>) until the entry is released or deleted.
/// </summary>
/// <param name="MessageId">The message id (also the blob id); one entry per message.</param>
/// <param name="Job">The inbound job as it was when the scan found the virus: envelope, recipients, claim-check. Release
/// queues it again (<see cref="QuarantineAdministration.ReleaseAsync"/>).</param>
/// <param name="Signature">What the scanner found, e.g. <c>Eicar-Test-Signature</c>.</param>
/// <param name="QuarantinedAt">When the entry was made.</param>
public sealed record QuarantineEntry(string MessageId, MailJob Job, string Signature, DateTimeOffset QuarantinedAt)
{
    /// <summary>Where the message came from: <c>send-api</c>, <c>submission</c> (an authenticated SMTP user) or <c>smtp</c> (port 25).</summary>
    public string Source => Job.Envelope.HeloName == QuarantineNames.SendApiHeloName ? "send-api"
        : Job.Envelope.AuthenticatedUser is not null ? "submission" : "smtp";
}

/// <summary>Names shared by the quarantine and the hosts.</summary>
public static class QuarantineNames
{
    /// <summary>The HELO name the HTTP send API puts in the envelope of its messages (there is no SMTP greeting).</summary>
    public const string SendApiHeloName = "http-api";
}
