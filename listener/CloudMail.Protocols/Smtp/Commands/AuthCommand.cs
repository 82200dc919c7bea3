using System.Text;
using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>
/// auth-command = "AUTH" SP sasl-mech [SP initial-response] CRLF; initial-response = base64 / "="
/// (RFC 4954 §4). <see cref="ToString"/> never shows the initial response (it may hold a password).
/// </summary>
/// <param name="Mechanism">Upper-cased SASL mechanism name.</param>
/// <param name="InitialResponse">The base64 text (or "=") as sent, or null when absent.</param>
public sealed record AuthCommand(string Mechanism, string? InitialResponse) : SmtpCommand
{
    public const string Usage = "AUTH mechanism [initial-response]";

    public override SmtpVerb Verb => SmtpVerb.Auth;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments)
    {
        int sp = arguments.IndexOf(' ');
        var mechanism = sp < 0 ? arguments : arguments[..sp];
        ReadOnlySpan<char> initial = sp < 0 ? [] : arguments[(sp + 1)..];
        if (!IsSaslMechanismName(mechanism) || sp >= 0 && initial.IsEmpty || initial.IndexOf(' ') >= 0) return SmtpReplies.Syntax(Usage);
        return new AuthCommand(mechanism.ToString().ToUpperInvariant(), sp < 0 ? null : initial.ToString());
    }

    /// <summary>sasl-mech = 1*20(UPPER-ALPHA / DIGIT / "-" / "_") (RFC 4422 §3.1; matched case-insensitively).</summary>
    private static bool IsSaslMechanismName(ReadOnlySpan<char> s)
    {
        if (s.Length is < 1 or > 20) return false;
        foreach (char c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_') return false;
        }
        return true;
    }

    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Mechanism = ").Append(Mechanism).Append(", InitialResponse = ").Append(InitialResponse is null ? "(none)" : "(redacted)");
        return true;
    }
}
