using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CloudMail.Core.Telemetry;

/// <summary>
/// CloudMail's traces and metrics, named <see cref="Name"/> for OpenTelemetry (<c>AddSource</c>/<c>AddMeter</c>), the
/// same in both hosts. Spans: <c>smtp.accept</c> (a message accepted in an SMTP session or the send API) and
/// <c>stage.inbound</c>/<c>stage.outbound</c> (one run of a pipeline stage), linked across processes by the W3C trace
/// context carried in the queue job (<see cref="Queue.MailJob.TraceParent"/>). Metrics are counters of messages by what
/// happened to them, the age of jobs when a stage takes them, and failed logins. Nothing here costs anything when no
/// listener is attached.
/// </summary>
public static class CloudMailTelemetry
{
    public const string Name = "CloudMail";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Messages accepted (durable and queued), by <c>via</c>: smtp or api.</summary>
    public static readonly Counter<long> Accepted = Meter.CreateCounter<long>("cloudmail.messages.accepted", "{message}", "Messages accepted (durable and queued)");

    /// <summary>Messages or recipients refused in the session, by <c>reason</c>.</summary>
    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>("cloudmail.messages.rejected", "{message}", "Messages or recipients refused in the session, by reason");

    /// <summary>Local deliveries (one per recipient account) and forwards made by the inbound stage, by <c>to</c>: inbox, junk, forward.</summary>
    public static readonly Counter<long> Routed = Meter.CreateCounter<long>("cloudmail.messages.routed", "{recipient}", "Recipients routed by the inbound stage");

    /// <summary>Remote recipients by outcome of a delivery attempt: delivered, deferred, bounced.</summary>
    public static readonly Counter<long> Delivery = Meter.CreateCounter<long>("cloudmail.delivery.recipients", "{recipient}", "Remote recipients by attempt outcome (outcome=delivered|deferred|bounced)");

    /// <summary>Jobs dead-lettered, by <c>queue</c> and <c>reason</c>.</summary>
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("cloudmail.queue.dead_lettered", "{job}", "Jobs dead-lettered");

    /// <summary>Seconds from acceptance to the moment a stage takes the job, by <c>queue</c>.</summary>
    public static readonly Histogram<double> QueueAge = Meter.CreateHistogram<double>("cloudmail.queue.age", "s", "Time from acceptance until a stage takes the job");

    /// <summary>Failed logins on any protocol (wrong password, unknown user, throttled).</summary>
    public static readonly Counter<long> AuthFailures = Meter.CreateCounter<long>("cloudmail.auth.failures", "{login}", "Failed logins");

    /// <summary>Full password hash checks: logins that the credential cache did not answer (identical attempts in flight share one).</summary>
    public static readonly Counter<long> PasswordChecks = Meter.CreateCounter<long>("cloudmail.auth.password_checks", "{check}", "Full password hash checks");

    /// <summary>The W3C traceparent of <paramref name="activity"/> (or the current one), to carry in a queue job; null when none.</summary>
    public static string? TraceParentOf(Activity? activity = null) => (activity ?? Activity.Current)?.Id is { } id && id.StartsWith("00-", StringComparison.Ordinal) ? id : null;

    /// <summary>Starts a span whose parent is the <paramref name="traceParent"/> a job carried (or none).</summary>
    public static Activity? StartFromJob(string name, string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity(name, ActivityKind.Consumer, parent)
            : Source.StartActivity(name, ActivityKind.Consumer);
}
