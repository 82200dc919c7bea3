using System.Net.Sockets;
using CloudMail.Core.Filtering;
using CloudMail.Core.Messages;
using CloudMail.Core.Quarantine;
using Microsoft.Extensions.Logging;

namespace CloudMail.Filtering.Antivirus;

/// <summary>
/// Scans mail with clamd. In the SMTP session (<see cref="IInboundFilter"/>: port 25, and submissions through
/// <see cref="SubmissionFilter"/>), before the message is accepted, so nothing is ever bounced: a virus is refused with
/// <c>554 5.7.1</c> naming the signature, a clean message gets <c>X-Virus-Scanned</c>. When clamd is unreachable, times out
/// or fails, the message is deferred (the intake answers 451 and the sending server retries; never delivered unscanned)
/// unless <see cref="AntivirusOptions.AcceptWhenUnavailable"/>: then it is accepted and marked for the inbound stage to scan
/// before delivery (<see cref="InboundVerdict.ScanLater"/>). Messages over <see cref="AntivirusOptions.MaxScanBytes"/> follow
/// <see cref="AntivirusOptions.DeferOversize"/>. In the pipeline (<see cref="IMessageScanner"/>, for mail accepted unscanned:
/// the send API's, and the above) it only reports what it found; Core's <see cref="PipelineVirusCheck"/> decides.
/// </summary>
public sealed partial class VirusScanFilter(ClamdClient clamd, AntivirusOptions options, ILogger<VirusScanFilter> logger) : IInboundFilter, IMessageScanner
{
    public async Task<InboundVerdict> CheckAsync(Envelope envelope, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        switch (await ScanAsync(open, cancellationToken).ConfigureAwait(false))
        {
            case ScanResult.Infected infected:
                LogVirus(infected.Signature, envelope.MailFrom);
                return new InboundVerdict(new InboundRejection(554, "5.7.1", $"Message refused: it contains a virus ({infected.Signature})"),
                    string.Empty, null, "virus " + infected.Signature);
            case ScanResult.Clean:
                return new InboundVerdict(null, "X-Virus-Scanned: ClamAV; clean\r\n", null, "virus scan clean");
            case ScanResult.NotScanned { Reason: OversizeReason } when options.DeferOversize:
                throw new ScannerUnavailableException("message is over the scan limit");
            case ScanResult.NotScanned notScanned:
                return Unscanned(notScanned.Reason, scanLater: false);
            case ScanResult.Unavailable unavailable:
                if (!options.AcceptWhenUnavailable) throw new ScannerUnavailableException(unavailable.Reason);
                return Unscanned("scanner unavailable", scanLater: true);
            default:
                throw new InvalidOperationException("unknown scan result");
        }
    }

    /// <summary>
    /// Scans the message: <see cref="ScanResult.NotScanned"/> when it is over <see cref="AntivirusOptions.MaxScanBytes"/>,
    /// <see cref="ScanResult.Unavailable"/> when clamd is unreachable, times out (<see cref="AntivirusOptions.Timeout"/>) or
    /// fails. Never throws but for cancellation.
    /// </summary>
    public async Task<ScanResult> ScanAsync(Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        await using var content = await open(cancellationToken).ConfigureAwait(false);
        if (content.CanSeek && content.Length > options.MaxScanBytes) return new ScanResult.NotScanned(OversizeReason);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        ClamdVerdict verdict;
        try
        {
            verdict = await clamd.ScanAsync(content, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            verdict = new ClamdVerdict.Failed(e is OperationCanceledException ? "timed out" : e.Message);
        }
        switch (verdict)
        {
            case ClamdVerdict.Infected infected:
                return new ScanResult.Infected(infected.Signature);
            case ClamdVerdict.Clean:
                return new ScanResult.Clean();
            default:
                string reason = ((ClamdVerdict.Failed)verdict).Reason;
                LogUnavailable(clamd.Endpoint.ToString(), reason);
                return new ScanResult.Unavailable(reason);
        }
    }

    /// <summary>Why a message over the scan limit was not scanned.</summary>
    private const string OversizeReason = "too large to scan";

    private static InboundVerdict Unscanned(string why, bool scanLater) =>
        new(null, $"X-Virus-Scanned: not scanned ({why})\r\n", null, "not scanned: " + why, ScanLater: scanLater);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a message from <{MailFrom}>: virus {Signature}")]
    private partial void LogVirus(string signature, string mailFrom);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Virus scanner {Clamd} could not scan a message: {Reason}")]
    private partial void LogUnavailable(string clamd, string reason);
}

/// <summary>The virus scanner could not scan a message and policy says not to accept it unscanned: the client retries later.</summary>
public sealed class ScannerUnavailableException : Exception
{
    public ScannerUnavailableException(string reason)
        : base("virus scanner unavailable: " + reason)
    {
    }

    public ScannerUnavailableException()
    {
    }

    public ScannerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
