namespace CloudMail.Core.Blobs;

/// <summary>
/// Removes staging blobs (<see cref="Intake.MessageIntake.StagingSuffix"/>: port-25 mail stored before its checks) that a
/// crash left behind. A staging blob lives only while its SMTP session checks and copies it; a crash between its commit
/// and its deletion would otherwise leave it for ever (never a lost message: no 250 was sent for it). Only blobs whose
/// id was made before the cutoff (<see cref="Messages.MessageIds.MadeBefore"/>) are removed, so sessions still staging
/// are never touched.
/// </summary>
public interface IStagingBlobSweep
{
    /// <summary>Deletes the staging blobs made before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> SweepStagingAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
