using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>help = "HELP" [ SP String ] CRLF (RFC 5321 §4.1.1.8).</summary>
public sealed record HelpCommand : SmtpCommand
{
    public static readonly HelpCommand Instance = new();

    public override SmtpVerb Verb => SmtpVerb.Help;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments) => Instance;
}
