using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>
/// rcpt = "RCPT TO:" ( "&lt;Postmaster@" Domain "&gt;" / "&lt;Postmaster&gt;" / Forward-path ) [SP Rcpt-parameters] CRLF
/// (RFC 5321 §4.1.1.3), with the DSN parameters NOTIFY and ORCPT (RFC 3461 §4.1, §4.2). A malformed value is
/// <c>501 5.5.4</c>, any other parameter <c>555</c>.
/// </summary>
/// <param name="ForwardPath">The mailbox without angle brackets; "Postmaster" for the domain-less form.</param>
/// <param name="IsBarePostmaster">True for "&lt;Postmaster&gt;", which every server must accept (§4.5.1).</param>
/// <param name="Notify">NOTIFY=, or <see cref="SmtpDsnNotify.Unspecified"/>.</param>
/// <param name="OriginalRecipient">ORCPT= as <c>addr-type;decoded-address</c>, if given.</param>
public sealed record RcptCommand(string ForwardPath, bool IsBarePostmaster, SmtpDsnNotify Notify = SmtpDsnNotify.Unspecified,
    string? OriginalRecipient = null) : SmtpCommand
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
        var notify = SmtpDsnNotify.Unspecified;
        string? orcpt = null;
        foreach (var p in parameters)
        {
            switch (p.Keyword)
            {
                case "NOTIFY": // RFC 3461 §4.1
                    if (!DsnParameters.TryParseNotify(p.Value, out notify)) return SmtpReplies.Syntax(DsnParameters.NotifyUsage);
                    break;
                case "ORCPT": // RFC 3461 §4.2
                    if (!DsnParameters.TryParseOrcpt(p.Value, out string original)) return SmtpReplies.Syntax(DsnParameters.OrcptUsage);
                    orcpt = original;
                    break;
                default:
                    return SmtpReplies.ParameterNotImplemented(p.Keyword);
            }
        }
        return new RcptCommand(mailbox, !mailbox.Contains('@'), notify, orcpt);
    }
}
