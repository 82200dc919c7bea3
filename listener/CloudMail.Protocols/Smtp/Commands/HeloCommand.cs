using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>helo = "HELO" SP Domain CRLF (RFC 5321 §4.1.1.1).</summary>
public sealed record HeloCommand(string Domain) : SmtpCommand
{
    public override SmtpVerb Verb => SmtpVerb.Helo;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments)
    {
        if (arguments.IsEmpty) return SmtpReplies.Syntax("HELO domain");
        var name = EhloCommand.FirstWord(arguments);
        return SmtpGrammar.IsHeloName(name) ? new HeloCommand(name.ToString()) : SmtpReplies.BadHeloSyntax;
    }
}
