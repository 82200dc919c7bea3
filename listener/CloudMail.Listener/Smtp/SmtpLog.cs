using CloudMail.Core.Logging;
using CloudMail.Listener.Network;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// SMTP log events. Never logs passwords, AUTH payloads or message content; values the client chose are
/// <see cref="ClientText"/> (escaped, bounded).
/// </summary>
internal static partial class SmtpLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "SMTP session from {Remote} on {Endpoint} started")]
    public static partial void SessionStarted(ILogger logger, string remote, EndpointKind endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SMTP session from {Remote} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Accepted message {MessageId} from <{MailFrom}> for {RecipientCount} recipient(s), {Size} octets, client {Remote} ({HeloName}), user {User}")]
    public static partial void MessageAccepted(ILogger logger, string messageId, ClientText mailFrom, int recipientCount, long size, string remote, ClientText heloName, string? user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused message {MessageId} from <{MailFrom}>, client {Remote}: {Reply}")]
    public static partial void MessageRefused(ILogger logger, string messageId, ClientText mailFrom, string remote, string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused message {MessageId} from <{MailFrom}>, client {Remote}: {Received} Received header fields, a mail loop")]
    public static partial void MailLoop(ILogger logger, string messageId, ClientText mailFrom, string remote, int received);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused message from {Remote}: {Octets} octets exceed the limit of {Limit}")]
    public static partial void MessageTooBig(ILogger logger, string remote, long octets, long limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing message {MessageId} from {Remote} failed; replied 451")]
    public static partial void CommitFailed(ILogger logger, Exception exception, string messageId, string remote);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing message {MessageId} from {Remote} failed: the storage is full ({Reason}); replied 452")]
    public static partial void StorageFull(ILogger logger, string messageId, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Checking and storing message {MessageId} from {Remote} took longer than CloudMail:Smtp:CommitTimeout ({Seconds} s); replied 451")]
    public static partial void CommitTimedOut(ILogger logger, string messageId, string remote, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Directory lookup for {Command} from {Remote} failed; replied 451")]
    public static partial void LookupFailed(ILogger logger, Exception exception, string command, string remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused recipient <{Recipient}> from {Remote}: {Reply}")]
    public static partial void RecipientRefused(ILogger logger, ClientText recipient, string remote, string reply);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sender <{Sender}> to <{Recipient}> from {Remote}: {Decision}")]
    public static partial void SenderListed(ILogger logger, ClientText sender, ClientText recipient, string remote, string decision);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage nearly full ({Available} bytes free); MAIL from {Remote} refused with 452")]
    public static partial void StorageLow(ILogger logger, long available, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP client {Remote} (user {User}) is over its hourly message limit; replied 450")]
    public static partial void RateLimited(ILogger logger, string remote, string? user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP client {Remote} had more than {MaxUnknownRecipients} unknown recipients; closing")]
    public static partial void TooManyUnknownRecipients(ILogger logger, string remote, int maxUnknownRecipients);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused sender <{MailFrom}> for user {User} from {Remote}: not the user's address")]
    public static partial void SenderNotOwned(ILogger logger, ClientText mailFrom, string user, string remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP AUTH {Mechanism} succeeded for {User} from {Remote}")]
    public static partial void AuthSucceeded(ILogger logger, ClientText mechanism, string user, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP AUTH {Mechanism} from {Remote} failed: {Status}")]
    public static partial void AuthFailed(ILogger logger, ClientText mechanism, string remote, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP client {Remote} made more than {MaxErrors} errors; closing")]
    public static partial void TooManyErrors(ILogger logger, string remote, int maxErrors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP client {Remote} sent more than {MaxJunkCommands} NOOP/RSET/VRFY/HELP commands; closing")]
    public static partial void TooManyJunkCommands(ILogger logger, string remote, int maxJunkCommands);

    [LoggerMessage(Level = LogLevel.Debug, Message = "STARTTLS with {Remote} failed: {Reason}")]
    public static partial void TlsFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP session of {Account} from {Remote} closed at MAIL: the account was disabled or removed")]
    public static partial void AccountUnavailable(ILogger logger, string account, string remote);
}
