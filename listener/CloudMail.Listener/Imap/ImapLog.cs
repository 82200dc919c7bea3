using CloudMail.Core.Logging;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Imap;

/// <summary>
/// IMAP log events. Never passwords, SASL payloads or message bodies; values the client chose are <see cref="ClientText"/>
/// (escaped, bounded).
/// </summary>
internal static partial class ImapLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "IMAP session from {Remote} on {Endpoint} started")]
    public static partial void SessionStarted(ILogger logger, string remote, string endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "IMAP session from {Remote} ended ({Reason})")]
    public static partial void SessionEnded(ILogger logger, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "IMAP login of {Account} from {Remote} with {Mechanism}")]
    public static partial void LoginSucceeded(ILogger logger, string account, string remote, string mechanism);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP login of {UserName} from {Remote} refused: {Status}")]
    public static partial void LoginFailed(ILogger logger, ClientText userName, string remote, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP login from {Remote} with {Mechanism} refused: invalid user name (blank, control characters or too long)")]
    public static partial void LoginWithInvalidUserName(ILogger logger, string remote, string mechanism);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP session from {Remote} closed after {Errors} errors")]
    public static partial void TooManyErrors(ILogger logger, string remote, int errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "IMAP session from {Remote} logged out after {Timeout} of inactivity")]
    public static partial void AutoLogout(ILogger logger, string remote, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Error, Message = "IMAP {Command} from {Remote} failed")]
    public static partial void CommandFailed(ILogger logger, Exception exception, ClientText command, string remote);

    /// <summary>The storage had no room for what a command wrote: the operator's to fix, so an error, but no stack trace.</summary>
    [LoggerMessage(Level = LogLevel.Error, Message = "IMAP {Command} from {Remote} refused with NO [OVERQUOTA]: the storage is full ({Reason})")]
    public static partial void StorageFull(ILogger logger, ClientText command, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "IMAP STARTTLS with {Remote} failed: {Reason}")]
    public static partial void TlsFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP message {BlobId} could not be parsed; serving it as a single part")]
    public static partial void UnparsableMessage(ILogger logger, string blobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP could not keep {Count} parsed message structure(s) in the mailbox index: {Error}")]
    public static partial void StructureWriteBackFailed(ILogger logger, int count, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP session of {Account} from {Remote} closed: the account was disabled or removed")]
    public static partial void AccountUnavailable(ILogger logger, string account, string remote);
}
