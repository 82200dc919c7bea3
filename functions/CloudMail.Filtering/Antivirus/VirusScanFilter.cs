using System.Net.Sockets;
using CloudMail.Core.Filtering;
using CloudMail.Core.Messages;
using Microsoft.Extensions.Logging;

namespace CloudMail.Filtering.Antivirus;

/// <summary>
/// Scans mail from other servers with clamd before it is accepted (in the SMTP session, so nothing is ever bounced): a
/// virus is refused with <c>554 5.7.1</c> naming the signature, a clean message gets <c>X-Virus-Scanned</c>. When clamd
/// is unreachable, times out or fails, the message is deferred (the intake answers 451 and the sending server retries;
/// never delivered unscanned) unless <see cref="AntivirusOptions.AcceptWhenUnavailable"/>. Messages over
/// <see cref="AntivirusOptions.MaxScanBytes"/> follow <see cref="AntivirusOptions.DeferOversize"/>.
/// </summary>
public sealed partial class VirusScanFilter(ClamdClient clamd, AntivirusOptions options, ILogger<VirusScanFilter> logger) : IInboundFilter
{
    public async Task<InboundVerdict> CheckAsync(Envelope envelope, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        await using var content = await open(cancellationToken).ConfigureAwait(false);
        if (content.CanSeek && content.Length > options.MaxScanBytes)
        {
            if (options.DeferOversize) throw new ScannerUnavailableException($"message of {content.Length} octets is over the scan limit");
            return Unscanned("too large to scan");
        }
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
                LogVirus(infected.Signature, envelope.MailFrom);
                return new InboundVerdict(new InboundRejection(554, "5.7.1", $"Message refused: it contains a virus ({infected.Signature})"),
                    string.Empty, null, "virus " + infected.Signature);
            case ClamdVerdict.Clean:
                return new InboundVerdict(null, "X-Virus-Scanned: ClamAV; clean\r\n", null, "virus scan clean");
            default:
                string reason = ((ClamdVerdict.Failed)verdict).Reason;
                LogUnavailable(clamd.Endpoint.ToString(), reason);
                if (!options.AcceptWhenUnavailable) throw new ScannerUnavailableException(reason);
                return Unscanned("scanner unavailable");
        }
    }

    private static InboundVerdict Unscanned(string why) =>
        new(null, $"X-Virus-Scanned: not scanned ({why})\r\n", null, "not scanned: " + why);

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
