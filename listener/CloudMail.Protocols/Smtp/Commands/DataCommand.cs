using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>data = "DATA" CRLF (RFC 5321 §4.1.1.4).</summary>
public sealed record DataCommand : SmtpCommand
{
    public static readonly DataCommand Instance = new();

    public override SmtpVerb Verb => SmtpVerb.Data;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments) => NoArguments(arguments, Instance, "DATA");
}
