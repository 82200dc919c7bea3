using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>A parsed SMTP command. Each command's file holds its record and the parser of its arguments.</summary>
public abstract record SmtpCommand
{
    /// <summary>The verb, as the state table knows it.</summary>
    public abstract SmtpVerb Verb { get; }

    /// <summary>For commands whose grammar is the bare verb ("DATA" CRLF etc.): anything after it is a syntax error.</summary>
    internal static SmtpParseResult NoArguments(ReadOnlySpan<char> arguments, SmtpCommand command, string usage) =>
        arguments.IsEmpty ? command : SmtpReplies.Syntax(usage);
}
