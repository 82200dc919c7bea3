using System.Net;
using CloudMail.Core.Dmarc;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Filtering;
using CloudMail.Core.Messages;
using CloudMail.Filtering.Arc;
using CloudMail.Filtering.Dkim;
using CloudMail.Filtering.Dmarc;
using CloudMail.Filtering.Dns;
using CloudMail.Filtering.Results;
using CloudMail.Filtering.Spf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CloudMail.Filtering;

/// <summary>
/// The authentication check of port-25 mail (<see cref="IInboundFilter"/>): SPF of the MAIL FROM (or HELO) identity
/// from the client address, every DKIM signature, DMARC of the From domain, and the ARC chain; the verdict carries one
/// Authentication-Results field with <see cref="FilteringOptions.AuthServId"/> and removes any received field claiming
/// that authserv-id (RFC 8601 §5). Refuses with 550 5.7.1 when SPF failed and DMARC failed under an applied p=reject
/// (RFC 7489 §6.6.4, <see cref="FilteringOptions.RejectOnDmarcPolicy"/>). Each message a DMARC record was applied to is
/// counted for the aggregate reports (RFC 7489 §7.2) when an <see cref="IDmarcReportRecorder"/> is registered, with the
/// disposition applied and the reasons when that is milder than the policy (<see cref="DmarcOverrides"/>). Mail failing DMARC
/// under an applied p=quarantine, or under p=reject without being refused, is filed in Junk (disposition quarantine,
/// <see cref="FilteringOptions.QuarantineOnDmarcPolicy"/>). Mail that would be refused or quarantined so is accepted as
/// usual when its ARC chain passed and the newest set's sealer is one of <see cref="FilteringOptions.TrustedArcSealers"/>
/// (reported as <c>trusted_forwarder</c>). The report is kept for the spam rules of the same run
/// (<see cref="AuthenticationReports"/>). Authenticated submissions are never checked. The checks of one message wait for DNS
/// for at most <see cref="FilteringOptions.CheckTimeout"/> together; what is unanswered then is temperror, and the verdict
/// summary says so.
/// </summary>
public sealed partial class AuthenticationFilter(
    SpfEvaluator spf,
    DkimMessageVerifier dkim,
    DmarcEvaluator dmarc,
    ArcChainVerifier arc,
    IOptions<FilteringOptions> options,
    ILogger<AuthenticationFilter> logger,
    IDmarcReportRecorder? reports = null,
    TimeProvider? time = null) : IInboundFilter
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private readonly string _authServId = options.Value.EffectiveAuthServId();

    public async Task<InboundVerdict> CheckAsync(Envelope envelope, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        if (envelope.AuthenticatedUser is not null) return InboundVerdict.Accept;
        var report = await AuthenticateAsync(envelope, open, cancellationToken).ConfigureAwait(false);
        AuthenticationReports.Record(open, report);
        string header = AuthenticationResults.Format(_authServId, report);
        string summary = $"spf={report.Spf.Keyword} dkim={string.Join(',', report.Dkim.Select(d => d.Result).DefaultIfEmpty("none"))} dmarc={report.Dmarc.Result} arc={report.Arc}";
        if (report.CutShortAfter is { } limit) summary += $" (DNS unanswered after {limit.TotalSeconds:0.#} s)";
        InboundRejection? reject = null;
        bool failedUnderPolicy = report.Dmarc.Result == "fail" && report.Dmarc.Applied != DmarcPolicy.None;
        // RFC 7489 §6.7 / RFC 8617 §7.2: a local policy may accept DMARC-failing mail that a trusted forwarder's ARC chain vouches for.
        bool trustedForwarder = failedUnderPolicy && TrustedChain(report);
        if (options.Value.RejectOnDmarcPolicy && failedUnderPolicy && report.Dmarc.Applied == DmarcPolicy.Reject && report.Spf.Result == SpfResult.Fail
            && !trustedForwarder)
        {
            reject = new InboundRejection(550, "5.7.1", $"Message refused: SPF fail and DMARC policy reject of {report.Dmarc.FromDomain}");
        }
        // RFC 7489 §6.3 p=quarantine: "treat such mail as suspicious", here filed in Junk; mail failing p=reject that is not
        // refused above (SPF did not fail too, or refusal is off) gets the milder disposition as well.
        bool quarantine = reject is null && failedUnderPolicy && !trustedForwarder && options.Value.QuarantineOnDmarcPolicy;
        if (quarantine) summary += " (quarantined: Junk)";
        LogVerdict(envelope.RemoteAddress, envelope.MailFrom, summary, reject is not null);
        if (reports is not null && report.Dmarc.Evaluated)
        {
            DmarcPolicy disposition = reject is not null ? DmarcPolicy.Reject : quarantine ? DmarcPolicy.Quarantine : DmarcPolicy.None;
            var reasons = DmarcOverrides.Of(report, disposition, options.Value.RejectOnDmarcPolicy, options.Value.QuarantineOnDmarcPolicy, trustedForwarder);
            await reports.RecordAsync(ReportResult(envelope, report, disposition) with { Reasons = reasons }, cancellationToken).ConfigureAwait(false);
        }
        return new InboundVerdict(reject, header, field => AuthenticationResults.Claims(field, _authServId), summary, Junk: quarantine);
    }

    /// <summary>
    /// Runs every check; for tests and for the verdict above. DNS waits of all checks together end at
    /// <see cref="FilteringOptions.CheckTimeout"/> (<see cref="AuthenticationDnsLimit"/>): what is unanswered then is
    /// temperror. SPF, which needs only the envelope, runs while the message is parsed and its DKIM signatures and ARC chain
    /// are verified (one after the other: they read the same parsed message); DMARC, which needs both, comes last.
    /// </summary>
    public async Task<AuthenticationReport> AuthenticateAsync(Envelope envelope, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        string identity = envelope.MailFrom.Length > 0 ? "smtp.mailfrom=" + envelope.MailFrom : "smtp.helo=" + envelope.HeloName;
        using var deadline = new CancellationTokenSource(options.Value.CheckTimeout, _time);
        var limit = new AuthenticationDnsLimit(deadline.Token);
        using var limited = AuthenticationDnsLimit.Enter(limit);
        var spfCheck = IPAddress.TryParse(envelope.RemoteAddress, out var ip)
            ? spf.CheckMailFromAsync(ip, envelope.MailFrom, envelope.HeloName, cancellationToken)
            : Task.FromResult(new SpfOutcome(SpfResult.None, envelope.HeloName, "no client address"));
        try
        {
            // Parsed once per filter-chain run and shared with the spam filter (ParsedMessages).
            var parsed = await ParsedMessages.ParseAsync(open, cancellationToken).ConfigureAwait(false);
            if (parsed.Message is not { } message)
            {
                // Not a message MIME can read: nothing signed, no From to align with.
                var unreadable = DmarcOutcome.Without("permerror", string.Empty, "unreadable message: " + parsed.Unreadable);
                return Report(new AuthenticationReport(await spfCheck.ConfigureAwait(false), identity, [], unreadable, "none", string.Empty), limit);
            }
            var dkimResults = await dkim.VerifyAsync(message, cancellationToken).ConfigureAwait(false);
            var (arcResult, arcReason) = await arc.VerifyAsync(message, cancellationToken).ConfigureAwait(false);
            var spfOutcome = await spfCheck.ConfigureAwait(false);
            var dmarcOutcome = await dmarc.EvaluateAsync(FromDomain(message), spfOutcome, dkimResults, cancellationToken).ConfigureAwait(false);
            return Report(new AuthenticationReport(spfOutcome, identity, dkimResults, dmarcOutcome, arcResult, arcReason, ArcChainVerifier.Sealers(message)), limit);
        }
        catch when (!spfCheck.IsCompleted)
        {
            // Left running: its failure (cancellation, the only one it has) must not go unobserved.
            _ = spfCheck.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary><paramref name="report"/>, with the time limit when <paramref name="limit"/> ended a DNS wait of the checks.</summary>
    private AuthenticationReport Report(AuthenticationReport report, AuthenticationDnsLimit limit) =>
        limit.CutShort ? report with { CutShortAfter = options.Value.CheckTimeout } : report;

    /// <summary>The ARC chain passed and its newest set was sealed by a domain of <see cref="FilteringOptions.TrustedArcSealers"/>.</summary>
    private bool TrustedChain(AuthenticationReport report) =>
        report.Arc == "pass" && report.NewestSealer is { } sealer
        && options.Value.TrustedArcSealers.Any(d => string.Equals(d.Trim().TrimEnd('.'), sealer.Domain, StringComparison.OrdinalIgnoreCase));

    /// <summary>What the aggregate report says about this message (RFC 7489 Appendix C <c>record</c>); only for an evaluated DMARC outcome.</summary>
    public static DmarcMessageResult ReportResult(Envelope envelope, AuthenticationReport report, DmarcPolicy disposition)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(report);
        string mailFrom = envelope.MailFrom;
        string envelopeFrom = mailFrom.Length == 0 ? string.Empty : mailFrom[(mailFrom.LastIndexOf('@') + 1)..].ToLowerInvariant();
        var spfResult = new DmarcSpfResult(report.Spf.Domain.ToLowerInvariant(), mailFrom.Length == 0 ? "helo" : "mfrom", report.Spf.Keyword);
        return new DmarcMessageResult(report.Dmarc.PolicyDomain, envelope.RemoteAddress, report.Dmarc.FromDomain, envelopeFrom, disposition,
            report.Dmarc.DkimAligned, report.Dmarc.SpfAligned,
            [.. report.Dkim.Select(d => new DmarcDkimResult(d.Domain.ToLowerInvariant(), d.Selector, d.Result))], spfResult);
    }

    /// <summary>RFC 7489 §6.6.1: the domain of the single From address; null when there is no From, or several.</summary>
    private static string? FromDomain(MimeMessage message)
    {
        if (message.Headers.Count(h => h.Id == HeaderId.From) != 1) return null;
        var mailboxes = message.From.Mailboxes.ToList();
        return mailboxes.Count == 1 && mailboxes[0].Domain.Length > 0 ? mailboxes[0].Domain : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Authentication of mail from {Remote} <{MailFrom}>: {Summary} (refused: {Refused})")]
    private partial void LogVerdict(string remote, Core.Logging.ClientText mailFrom, string summary, bool refused);
}
