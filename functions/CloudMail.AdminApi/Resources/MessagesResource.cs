using CloudMail.Core.Admin;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;

namespace CloudMail.AdminApi.Resources;

/// <summary>
/// <c>/messages/{id}/trace</c>: everything known of one message id (<see cref="MessageTrace"/>): the delivery log per
/// recipient (status, attempts, last reply, when) and the message's jobs in the queues where this host administers them.
/// 404 when neither knows the id. Any message of any domain: this is the administrator's view.
/// </summary>
public sealed class MessagesResource(IDeliveryLog deliveryLog, QueueResource queues) : IAdminResource
{
    public IEnumerable<AdminRoute> Routes =>
    [
        new("GET", "messages/{id}/trace", AdminScopes.Read, TraceAsync),
    ];

    private async Task<AdminApiResult> TraceAsync(AdminCall call, CancellationToken ct)
    {
        string id = call["id"];
        var notFound = AdminProblem.NotFound($"Nothing is known of message '{(id.Length <= 40 ? id : id[..40] + "...")}'.");
        if (!MessageIds.IsValid(id)) return notFound;
        var trace = await MessageTrace.ReadAsync(id, deliveryLog, queues.Administration, ct).ConfigureAwait(false);
        return trace.IsUnknown ? notFound : AdminCall.Ok(MessageTraceView.From(trace));
    }
}
