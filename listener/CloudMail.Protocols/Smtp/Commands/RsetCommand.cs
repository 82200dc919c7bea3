using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>rset = "RSET" CRLF (RFC 5321 §4.1.1.5).</summary>
public sealed record RsetCommand : SmtpCommand
{
    public static readonly RsetCommand Instance = new();

    public override SmtpVerb Verb => SmtpVerb.Rset;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments) => NoArguments(arguments, Instance, "RSET");
}
