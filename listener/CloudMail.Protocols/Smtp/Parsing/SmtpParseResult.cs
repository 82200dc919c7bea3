using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Protocols.Smtp.Parsing;

/// <summary>What a parser made of the input so far.</summary>
public enum SmtpParseStatus
{
    /// <summary>A complete, well-formed command.</summary>
    Command,

    /// <summary>No complete line yet; read more input.</summary>
    NeedMoreData,

    /// <summary>A complete line that is not acceptable; send <see cref="SmtpParseResult.Reply"/> and go on.</summary>
    Reject,
}

/// <summary>
/// Result of parsing one command line: <c>Command | NeedMoreData | Reject(reply)</c>. A reject with
/// <see cref="CloseAfterReply"/> means the input cannot be resynchronized (a BDAT whose size is unreadable).
/// </summary>
public readonly record struct SmtpParseResult(SmtpParseStatus Status, SmtpCommand? Command, SmtpReply? Reply, bool CloseAfterReply = false)
{
    public static readonly SmtpParseResult NeedMoreData = new(SmtpParseStatus.NeedMoreData, null, null);

    public static SmtpParseResult Of(SmtpCommand command) => new(SmtpParseStatus.Command, command, null);

    public static SmtpParseResult Rejected(SmtpReply reply) => new(SmtpParseStatus.Reject, null, reply);

    /// <summary>Reject, then close the connection.</summary>
    public static SmtpParseResult Fatal(SmtpReply reply) => new(SmtpParseStatus.Reject, null, reply, true);

    /// <summary>Implicit conversion so command parsers can return a command or a reject directly.</summary>
    public static implicit operator SmtpParseResult(SmtpCommand command) => Of(command);

    public static implicit operator SmtpParseResult(SmtpReply reply) => Rejected(reply);
}
