namespace CloudMail.Listener.MailFiles;

/// <summary>Which keywords read from mail files are kept: IMAP atoms (RFC 9051 §9, flag-keyword), no system flags.</summary>
public static class KeywordAtoms
{
    /// <summary>True for a non-empty atom: printable ASCII without atom-specials ( ) { % * " \ ] and space.</summary>
    public static bool IsAtom(string keyword) =>
        keyword.Length > 0 && keyword.All(c => c > ' ' && c < 127 && c is not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']'));
}
