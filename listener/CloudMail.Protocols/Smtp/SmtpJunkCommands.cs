namespace CloudMail.Protocols.Smtp;

/// <summary>
/// Which commands count as junk: commands that neither start nor advance a mail transaction, so a client can
/// repeat them forever without sending mail (NOOP, RSET, VRFY, HELP). As Postfix's smtpd_junk_command_limit
/// (NOOP, VRFY, ETRN, RSET; default 100), the count restarts when a message is accepted. EXPN is refused with
/// 502 and counts as an error instead; EHLO/HELO are not junk (as in Postfix) because the error and session
/// time limits already bound them.
/// </summary>
public static class SmtpJunkCommands
{
    /// <summary>True for the verbs that count against the junk-command limit.</summary>
    public static bool IsJunk(SmtpVerb verb) => verb is SmtpVerb.Noop or SmtpVerb.Rset or SmtpVerb.Vrfy or SmtpVerb.Help;
}
