using CloudMail.Core.Admin;
using CloudMail.Core.Quarantine;

namespace CloudMail.AdminApi.Resources;

/// <summary>
/// <c>/quarantine</c>: messages found infected after they were accepted, as <c>cloudmail quarantine</c>
/// (<see cref="QuarantineAdministration"/>): list (paginated, newest first), show, release (queued for delivery again, not
/// scanned again; 204) and delete (the entry and the message's bytes; 204). 404 for an id not in the quarantine. The
/// views carry facts about a message, never its content.
/// </summary>
public sealed class QuarantineResource(QuarantineAdministration quarantine) : IAdminResource
{
    public IEnumerable<AdminRoute> Routes =>
    [
        new("GET", "quarantine", AdminScopes.Read, async (call, ct) =>
            call.Page(await quarantine.ListAsync(ct).ConfigureAwait(false), e => (DateTimeOffset.MaxValue.UtcTicks - e.QuarantinedAt.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + e.MessageId, QuarantineView.From)),
        new("GET", "quarantine/{id}", AdminScopes.Read, async (call, ct) =>
            await quarantine.ShowAsync(call["id"], ct).ConfigureAwait(false) is { } entry ? AdminCall.Ok(QuarantineView.From(entry)) : NotFound(call["id"])),
        new("POST", "quarantine/{id}/release", AdminScopes.Write, async (call, ct) =>
            await quarantine.ReleaseAsync(call["id"], ct).ConfigureAwait(false) ? AdminApiResult.NoContent() : NotFound(call["id"])),
        new("DELETE", "quarantine/{id}", AdminScopes.Write, async (call, ct) =>
            await quarantine.DeleteAsync(call["id"], ct).ConfigureAwait(false) ? AdminApiResult.NoContent() : NotFound(call["id"])),
    ];

    private static AdminProblem NotFound(string id) =>
        AdminProblem.NotFound($"There is no message '{(id.Length <= 40 ? id : id[..40] + "...")}' in the quarantine.");
}
