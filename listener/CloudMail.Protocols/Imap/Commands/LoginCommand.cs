using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>LOGIN userid password (RFC 3501 §6.2.3). <see cref="ToString"/> never shows the password.</summary>
public sealed record LoginCommand(string Tag, string UserName, string Password) : ImapCommand(Tag)
{
    public override string Name => "LOGIN";

    public override string ToString() => $"LOGIN {{ Tag = {Tag}, UserName = {UserName} }}";

    /// <summary>login = "LOGIN" SP userid SP password; both are astrings.</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t)
    {
        if (!t.Sp() || !t.AString(out string user) || !t.Sp() || !t.AString(out string password)) return null;
        return new LoginCommand(tag, user, password);
    }
}
