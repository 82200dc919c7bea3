using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Imap.Commands;

/// <summary>
/// AUTHENTICATE mechanism [initial-response] (RFC 3501 §6.2.2, SASL-IR RFC 4959 §3). <see cref="InitialResponse"/>
/// is the base64 text, "" for "=" (an empty response), or null when absent. <see cref="ToString"/> never shows it.
/// </summary>
public sealed record AuthenticateCommand(string Tag, string Mechanism, string? InitialResponse) : ImapCommand(Tag)
{
    public override string Name => "AUTHENTICATE";

    public override string ToString() => $"AUTHENTICATE {{ Tag = {Tag}, Mechanism = {Mechanism} }}";

    /// <summary>authenticate = "AUTHENTICATE" SP auth-type [SP (base64 / "=")].</summary>
    internal static ImapCommand? Parse(string tag, ImapTokenizer t)
    {
        if (!t.Sp() || !t.Atom(out string mechanism)) return null;
        string? initial = null;
        if (t.TryConsume(' '))
        {
            if (!t.Atom(out string response)) return null;
            if (response != "=" && !Sasl.SaslBase64.IsStrict(response)) { t.Fail("Invalid base64 initial response"); return null; }
            initial = response == "=" ? "" : response;
        }
        return new AuthenticateCommand(tag, mechanism.ToUpperInvariant(), initial);
    }

}
