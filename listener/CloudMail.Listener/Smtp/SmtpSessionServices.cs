using CloudMail.Core.Auth;
using CloudMail.Core.Directory;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Smtp;

/// <summary>What every SMTP session shares; one instance per server.</summary>
internal sealed record SmtpSessionServices(
    Authenticator Authenticator,
    RecipientResolver Resolver,
    RecipientAdmission Admission,
    IMailDirectory Directory,
    MessageIntake Intake,
    SmtpOptions Options,
    SendingRateLimiter Rates,
    Dnsbl.DnsblChecker? Dnsbl,
    Greylisting.Greylist? Greylist,
    SenderListPolicy? SenderLists,
    string HostName,
    TimeProvider Time,
    ILogger Logger,
    Core.Quotas.MailboxQuotas? Quotas = null,
    Core.Blobs.IStorageSpace? Space = null);
