using CloudMail.Core.Logging;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Pop3;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Pop3;

/// <summary>
/// POP3 log events. Never passwords, SASL payloads or message content; values the client chose are <see cref="ClientText"/>
/// (escaped, bounded).
/// </summary>
internal static partial class Pop3Log
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "POP3 session from {Remote} on {Endpoint}")]
    public static partial void SessionStarted(ILogger logger, string remote, EndpointKind endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "POP3 session from {Remote} started TLS")]
    public static partial void TlsStarted(ILogger logger, string remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "POP3 login of {Account} from {Remote}: {Messages} messages")]
    public static partial void LoggedIn(ILogger logger, string account, string remote, int messages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "POP3 login failed for {User} from {Remote}")]
    public static partial void LoginFailed(ILogger logger, ClientText user, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "POP3 login refused for {User} from {Remote}: throttled after too many failures")]
    public static partial void LoginThrottled(ILogger logger, ClientText user, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "POP3 login from {Remote} refused: invalid user name (blank, control characters or too long)")]
    public static partial void LoginWithInvalidUserName(ILogger logger, string remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "POP3 login of {Account} from {Remote} refused: maildrop in use")]
    public static partial void MaildropInUse(ILogger logger, string account, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "POP3 login of {Account} from {Remote} refused: too many sessions")]
    public static partial void TooManySessions(ILogger logger, string account, string remote);

    [LoggerMessage(Level = LogLevel.Error, Message = "POP3 could not open the maildrop of {Account}")]
    public static partial void MaildropFailed(ILogger logger, Exception exception, string account);

    [LoggerMessage(Level = LogLevel.Error, Message = "POP3 could not read message UID {Uid} of {Account}")]
    public static partial void MessageUnavailable(ILogger logger, Exception exception, string account, uint uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "POP3 sent {Sent} octets for UID {Uid} of {Account} but advertised {Advertised}")]
    public static partial void SizeMismatch(ILogger logger, string account, uint uid, long advertised, long sent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "POP3 could not mark UID {Uid} of {Account} as seen")]
    public static partial void SeenFailed(ILogger logger, Exception exception, string account, uint uid);

    [LoggerMessage(Level = LogLevel.Information, Message = "POP3 UPDATE for {Account}: {Removed} of {Marked} marked messages expunged")]
    public static partial void Updated(ILogger logger, string account, int removed, int marked);

    [LoggerMessage(Level = LogLevel.Error, Message = "POP3 UPDATE for {Account} failed; {Marked} marked messages stay")]
    public static partial void UpdateFailed(ILogger logger, Exception exception, string account, int marked);

    [LoggerMessage(Level = LogLevel.Information, Message = "POP3 session from {Remote} timed out in {State}; closed without UPDATE")]
    public static partial void IdleTimeout(ILogger logger, string remote, Pop3State state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "POP3 session from {Remote} closed after {Errors} errors")]
    public static partial void TooManyErrors(ILogger logger, string remote, int errors);

    [LoggerMessage(Level = LogLevel.Debug, Message = "POP3 STLS with {Remote} failed: {Reason}")]
    public static partial void TlsFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "POP3 session of {Account} from {Remote} closed without UPDATE: the account was disabled or removed")]
    public static partial void AccountUnavailable(ILogger logger, string account, string remote);
}
