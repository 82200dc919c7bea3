using CloudMail.Core.Delivery;
using CloudMail.Core.TlsReporting;
using CloudMail.Delivery.MtaSts;
using CloudMail.Delivery.TlsReporting;

namespace CloudMail.Delivery;

// TLS reporting (RFC 8460) of direct MX delivery: each session's TLS outcome goes to the recorder. Smart-host sessions are
// not reported (the relay is not the recipient domain's MX). Kept apart from the delivery logic, which calls
// ConnectAndReportAsync instead of ConnectAsync and ReportMtaStsMismatchAsync where it skips a host.
public sealed partial class SmtpOutboundTransport
{
    /// <summary>Where TLS session outcomes are counted for TLS reports; null: not counted.</summary>
    public ITlsSessionRecorder? TlsReports { get; init; }

    /// <summary>
    /// The report policy of a session with MX host <paramref name="host"/> of <paramref name="domain"/>, or null when it
    /// is not counted: no recorder, or a host outside the MTA-STS policy (counted once as a failure by
    /// <see cref="ReportMtaStsMismatchAsync"/>).
    /// </summary>
    private TlsReportPolicy? TlsReportFor(string domain, MtaStsPolicy? policy, string host) =>
        TlsReports is null || (policy is { Mode: not MtaStsMode.None } && !policy.Matches(host)) ? null : TlsReportPolicies.For(domain, policy);

    /// <summary>An MX host the MTA-STS policy does not name (RFC 8461 §4.1): a <c>validation-failure</c> of that policy.</summary>
    /// <summary>
    /// A secure MX host whose TLSA lookup failed or was bogus (RFC 7672 §2.1.1) is skipped: counted as a failed session of
    /// a tlsa policy with no validated records, <c>dnssec-invalid</c> (RFC 8460 §4.3.2.1).
    /// </summary>
    private Task ReportDaneLookupFailureAsync(string domain, MxHost host, CancellationToken ct) =>
        TlsReports?.RecordAsync(new TlsSessionResult(TlsReportPolicies.ForDane(domain, []),
            new TlsFailureDetail(TlsResultTypes.DnssecInvalid, null, host.Name, null)), ct) ?? Task.CompletedTask;

    private Task ReportMtaStsMismatchAsync(string domain, MtaStsPolicy policy, MxHost host, CancellationToken ct) =>
        TlsReports?.RecordAsync(new TlsSessionResult(TlsReportPolicies.For(domain, policy),
            new TlsFailureDetail(TlsResultTypes.ValidationFailure, null, host.Name, null, "mx-not-in-sts-policy")), ct) ?? Task.CompletedTask;

    /// <summary>
    /// <see cref="ConnectAsync"/>, then the session's TLS outcome to <see cref="TlsReports"/>: TLS up → success; no STARTTLS
    /// offered (opportunistic) or required and missing → <c>starttls-not-supported</c>; a failed handshake → its
    /// <see cref="TlsSessionFailures"/> type. Connection failures are not TLS sessions and are not counted. Exceptions
    /// propagate unchanged.
    /// </summary>
    private async Task ConnectAndReportAsync(EnvelopeSmtpClient client, Target target, OutboundEnvelope envelope, DeliveryOptions o, CancellationToken ct)
    {
        if (target.TlsReport is not { } policy || TlsReports is not { } recorder)
        {
            await ConnectAsync(client, target, o, ct).ConfigureAwait(false);
            return;
        }
        try
        {
            await ConnectAsync(client, target, o, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (TlsSessionFailures.Classify(e, target.Name, target.VerifiedTls || envelope.RequireTls, DateTimeOffset.UtcNow, target.Dane is not null) is { } type)
        {
            await recorder.RecordAsync(new TlsSessionResult(policy, Failure(target, type)), ct).ConfigureAwait(false);
            throw;
        }
        var outcome = client.IsSecure ? null : Failure(target, TlsResultTypes.StartTlsNotSupported);
        await recorder.RecordAsync(new TlsSessionResult(policy, outcome), ct).ConfigureAwait(false);
    }

    private static TlsFailureDetail Failure(Target target, string resultType) =>
        new(resultType, TlsReportPolicies.SendingAddress(target.Address), target.Name, target.Address?.ToString());
}
