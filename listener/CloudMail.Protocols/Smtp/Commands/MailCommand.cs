using System.Globalization;
using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>BODY= values we accept (RFC 6152 §2: 7BIT, 8BITMIME). BINARYMIME is not offered.</summary>
public enum MailBodyType
{
    Unspecified,
    SevenBit,
    EightBitMime,
}

/// <summary>
/// mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF (RFC 5321 §4.1.1.2), with the parameters
/// SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531), AUTH (RFC 4954 §5), RET and ENVID (DSN, RFC 3461 §4.3, §4.4)
/// and REQUIRETLS (RFC 8689 §4.1). A malformed value is <c>501 5.5.4</c>, an unknown parameter <c>555</c>.
/// </summary>
/// <param name="ReversePath">The mailbox without angle brackets; empty for the null reverse-path "&lt;&gt;".</param>
/// <param name="Size">Declared size from SIZE=, if given.</param>
/// <param name="AuthSubmitter">AUTH= value as sent (xtext or "&lt;&gt;"); informational only.</param>
/// <param name="Return">RET=, if given.</param>
/// <param name="EnvelopeId">ENVID= decoded from xtext, if given.</param>
/// <param name="RequireTls">REQUIRETLS was given (the session checks that TLS is active).</param>
public sealed record MailCommand(
    string ReversePath, long? Size, MailBodyType Body, bool SmtpUtf8, string? AuthSubmitter,
    SmtpDsnReturn? Return = null, string? EnvelopeId = null, bool RequireTls = false) : SmtpCommand
{
    public const string Usage = "MAIL FROM:<address> [parameters]";

    public override SmtpVerb Verb => SmtpVerb.Mail;

    public bool IsNullSender => ReversePath.Length == 0;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments)
    {
        if (!arguments.StartsWith("FROM:", StringComparison.OrdinalIgnoreCase)) return SmtpReplies.Syntax(Usage);
        // Deliberate leniency (as Postfix and Exchange): spaces between "FROM:" and the path.
        var rest = arguments[5..].TrimStart(' ');
        int consumed = SmtpGrammar.ParsePath(rest, allowNull: true, allowPostmaster: false, out string mailbox);
        if (consumed < 0 || consumed < rest.Length && rest[consumed] != ' ') return SmtpReplies.BadSenderSyntax;
        if (!EsmtpParameters.TryParse(rest[consumed..], out var parameters)) return SmtpReplies.Syntax(Usage);

        long? size = null;
        var body = MailBodyType.Unspecified;
        bool smtpUtf8 = false;
        string? auth = null;
        SmtpDsnReturn? ret = null;
        string? envid = null;
        bool requireTls = false;
        foreach (var p in parameters)
        {
            switch (p.Keyword)
            {
                case "SIZE": // RFC 1870 §6: size-value = 1*20DIGIT
                    if (p.Value is not { Length: >= 1 and <= 20 } v
                        || !long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return SmtpReplies.Syntax("SIZE=octets");
                    size = n;
                    break;
                case "BODY": // RFC 6152 §2
                    if (p.Value is null) return SmtpReplies.Syntax("BODY=7BIT|8BITMIME");
                    if (p.Value.Equals("7BIT", StringComparison.OrdinalIgnoreCase)) body = MailBodyType.SevenBit;
                    else if (p.Value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase)) body = MailBodyType.EightBitMime;
                    else return SmtpReplies.ParameterNotImplemented("BODY=" + p.Value);
                    break;
                case "SMTPUTF8": // RFC 6531 §3.4: no value
                    if (p.Value is not null) return SmtpReplies.Syntax("SMTPUTF8");
                    smtpUtf8 = true;
                    break;
                case "AUTH": // RFC 4954 §5: AUTH=xtext or AUTH=<>
                    if (p.Value is null || p.Value != "<>" && !SmtpGrammar.IsXtext(p.Value)) return SmtpReplies.Syntax("AUTH=<mailbox>");
                    auth = p.Value;
                    break;
                case "RET": // RFC 3461 §4.3
                    if (!DsnParameters.TryParseRet(p.Value, out var r)) return SmtpReplies.Syntax(DsnParameters.RetUsage);
                    ret = r;
                    break;
                case "ENVID": // RFC 3461 §4.4
                    if (!DsnParameters.TryParseEnvid(p.Value, out string e)) return SmtpReplies.Syntax(DsnParameters.EnvidUsage);
                    envid = e;
                    break;
                case "REQUIRETLS": // RFC 8689 §4.1: no value
                    if (p.Value is not null) return SmtpReplies.Syntax("REQUIRETLS");
                    requireTls = true;
                    break;
                default:
                    return SmtpReplies.ParameterNotImplemented(p.Keyword);
            }
        }
        return new MailCommand(mailbox, size, body, smtpUtf8, auth, ret, envid, requireTls);
    }
}
