using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>quit = "QUIT" CRLF (RFC 5321 §4.1.1.10).</summary>
public sealed record QuitCommand : SmtpCommand
{
    public static readonly QuitCommand Instance = new();

    public override SmtpVerb Verb => SmtpVerb.Quit;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments) => NoArguments(arguments, Instance, "QUIT");
}
