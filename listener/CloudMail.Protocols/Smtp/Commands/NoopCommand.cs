using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>noop = "NOOP" [ SP String ] CRLF (RFC 5321 §4.1.1.9): the argument is ignored.</summary>
public sealed record NoopCommand : SmtpCommand
{
    public static readonly NoopCommand Instance = new();

    public override SmtpVerb Verb => SmtpVerb.Noop;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments) => Instance;
}
