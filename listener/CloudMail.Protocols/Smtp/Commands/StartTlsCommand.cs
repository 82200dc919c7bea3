using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>STARTTLS = "STARTTLS" CRLF (RFC 3207 §4; "A parameter ... is an error": 501).</summary>
public sealed record StartTlsCommand : SmtpCommand
{
    public static readonly StartTlsCommand Instance = new();

    public override SmtpVerb Verb => SmtpVerb.StartTls;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments) => NoArguments(arguments, Instance, "STARTTLS");
}
