using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>ehlo = "EHLO" SP ( Domain / address-literal ) CRLF (RFC 5321 §4.1.1.1).</summary>
public sealed record EhloCommand(string Domain) : SmtpCommand
{
    public override SmtpVerb Verb => SmtpVerb.Ehlo;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments)
    {
        if (arguments.IsEmpty) return SmtpReplies.Syntax("EHLO domain");
        var name = FirstWord(arguments);
        return SmtpGrammar.IsHeloName(name) ? new EhloCommand(name.ToString()) : SmtpReplies.BadHeloSyntax;
    }

    /// <summary>Deliberate leniency: text after the domain (some clients send a greeting) is ignored.</summary>
    internal static ReadOnlySpan<char> FirstWord(ReadOnlySpan<char> s)
    {
        int sp = s.IndexOf(' ');
        return sp < 0 ? s : s[..sp];
    }
}
