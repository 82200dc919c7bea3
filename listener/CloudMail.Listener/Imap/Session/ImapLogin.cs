namespace CloudMail.Listener.Imap.Session;

/// <summary>Who an IMAP session logged in as (RFC 9051 §3.2); set once by LOGIN or AUTHENTICATE.</summary>
/// <param name="Account">The canonical account address the directory returned.</param>
/// <param name="Mechanism">"LOGIN" or the SASL mechanism used.</param>
internal sealed record ImapLogin(string Account, string Mechanism);
