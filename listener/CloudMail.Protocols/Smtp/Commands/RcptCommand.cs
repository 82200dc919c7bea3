using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>
/// rcpt = "RCPT TO:" ( "&lt;Postmaster@" Domain "&gt;" / "&lt;Postmaster&gt;" / Forward-path ) [SP Rcpt-parameters] CRLF
/// (RFC 5321 §4.1.1.3). No RCPT parameters are offered (DSN is not advertised), so any is 555.
/// </summary>
/// <param name="ForwardPath">The mailbox without angle brackets; "Postmaster" for the domain-less form.</param>
/// <param name="IsBarePostmaster">True for "&lt;Postmaster&gt;", which every server must accept (§4.5.1).</param>
public sealed record RcptCommand(string ForwardPath, bool IsBarePostmaster) : SmtpCommand
{
    public const string Usage = "RCPT TO:<address>";

    public override SmtpVerb Verb => SmtpVerb.Rcpt;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments)
    {
        if (!arguments.StartsWith("TO:", StringComparison.OrdinalIgnoreCase)) return SmtpReplies.Syntax(Usage);
        // Deliberate leniency (as Postfix and Exchange): spaces between "TO:" and the path.
        var rest = arguments[3..].TrimStart(' ');
        int consumed = SmtpGrammar.ParsePath(rest, allowNull: false, allowPostmaster: true, out string mailbox);
        if (consumed < 0 || consumed < rest.Length && rest[consumed] != ' ') return SmtpReplies.BadRecipientSyntax;
        if (!EsmtpParameters.TryParse(rest[consumed..], out var parameters)) return SmtpReplies.Syntax(Usage);
        if (parameters.Count > 0) return SmtpReplies.ParameterNotImplemented(parameters[0].Keyword);
        return new RcptCommand(mailbox, !mailbox.Contains('@'));
    }
}
