using CloudMail.AdminApi.Resources;
using CloudMail.Core.Admin;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>
/// <c>/admin/trace?id=MESSAGE-ID</c>: what is known of one message (<see cref="MessageTrace"/>, what <c>cloudmail trace</c> prints
/// and <c>/api/v1/admin/messages/{id}/trace</c> returns): each recipient's delivery-log record and the message's queued jobs.
/// An unknown or malformed id is 404 with the form to try another.
/// </summary>
public sealed class TracePage(IDeliveryLog deliveryLog, QueueResource queues) : IConsolePage
{
    public const string Path = "trace";

    public (string Path, string Label) Navigation => (Path, "Message trace");

    public IEnumerable<ConsoleRoute> Routes => [new("GET", Path, AdminScopes.Read, ShowAsync)];

    private async Task<ConsoleResult> ShowAsync(ConsoleCall call, CancellationToken ct)
    {
        string id = (call.Query["id"] ?? "").Trim();
        var form = Html.Of($"""
            <form method="get" action="{ConsoleLayout.Link(Path)}" class="inline">
            <label for="id">Message id</label> <input id="id" name="id" value="{id}" required size="40"> <button type="submit">Trace</button></form>
            """);
        if (id.Length == 0) return call.Page("Message trace", form);
        var trace = MessageIds.IsValid(id) ? await MessageTrace.ReadAsync(id, deliveryLog, queues.Administration, ct).ConfigureAwait(false) : null;
        if (trace is null || trace.IsUnknown)
            return call.Page("Message trace", Html.Of($"{form}{ConsoleLayout.Message("error", $"Nothing is known of message {(id.Length <= 40 ? id : id[..40] + "…")}.")}"), 404);
        var jobs = trace.Jobs is null ? Html.Of($"<p class=\"empty\">The queues are Service Bus queues here.</p>") : ConsoleFormat.Jobs(trace.Jobs);
        return call.Page("Message trace", Html.Of($"""
            {form}
            <h2>Message <code id="traced-id">{trace.MessageId}</code></h2>
            <h3>Recipients</h3>{ConsoleFormat.Deliveries(trace.Recipients)}
            <h3>Queued jobs</h3>{jobs}
            """));
    }
}
