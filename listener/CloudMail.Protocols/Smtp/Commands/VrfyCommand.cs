using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>vrfy = "VRFY" SP String CRLF (RFC 5321 §4.1.1.6). The server never confirms addresses (252).</summary>
public sealed record VrfyCommand(string Argument) : SmtpCommand
{
    public override SmtpVerb Verb => SmtpVerb.Vrfy;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments) =>
        arguments.IsEmpty ? SmtpReplies.Syntax("VRFY address") : new VrfyCommand(arguments.ToString());
}
