using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>expn = "EXPN" SP String CRLF (RFC 5321 §4.1.1.7). Not offered (502): lists are not disclosed (§7.3).</summary>
public sealed record ExpnCommand(string Argument) : SmtpCommand
{
    public override SmtpVerb Verb => SmtpVerb.Expn;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments) =>
        arguments.IsEmpty ? SmtpReplies.Syntax("EXPN list") : new ExpnCommand(arguments.ToString());
}
