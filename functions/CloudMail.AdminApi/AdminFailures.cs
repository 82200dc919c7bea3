using System.Data.Common;
using CloudMail.Core.Directory;
using CloudMail.Core.Failures;

namespace CloudMail.AdminApi;

/// <summary>
/// What a failure of a Core admin service means to the one who asked, the same for the admin API and the web console:
/// bad input (<see cref="ArgumentException"/>) 422, <see cref="DirectoryConflictException"/> 409,
/// <see cref="DirectoryEntryNotFoundException"/> 404, storage failures 503.
/// </summary>
internal static class AdminFailures
{
    /// <summary>The problem <paramref name="e"/> maps to; null for what is not the client's or storage's (a bug: let it surface).</summary>
    public static AdminProblem? Classify(Exception e) => e switch
    {
        DirectoryConflictException => AdminProblem.Conflict(e.Message),
        DirectoryEntryNotFoundException => AdminProblem.NotFound(e.Message),
        ArgumentException => AdminProblem.Invalid(e.Message),
        TransientStorageException or StorageFullException or IOException or TimeoutException or DbException or InvalidOperationException =>
            AdminProblem.Unavailable("Storage is unavailable; nothing was changed. Retry later."),
        _ => null,
    };
}
