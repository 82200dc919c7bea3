namespace CloudMail.Listener.Smtp;

/// <summary>The account a session authenticated as with AUTH (RFC 4954); set once, forgotten by STARTTLS.</summary>
/// <param name="Account">The canonical account address the directory returned.</param>
/// <param name="Mechanism">The SASL mechanism used.</param>
internal sealed record SmtpIdentity(string Account, string Mechanism);
