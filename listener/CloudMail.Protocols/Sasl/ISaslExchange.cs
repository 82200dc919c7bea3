namespace CloudMail.Protocols.Sasl;

/// <summary>
/// The server side of one SASL mechanism (RFC 4422 §3), as a pure state machine: feed it the initial response
/// and each response line; it answers with a challenge, credentials to verify, or a failure. Never throws on
/// client input.
/// </summary>
public interface ISaslExchange
{
    /// <summary>
    /// First step. <paramref name="initialResponse"/> is the command's optional initial response as sent: null when
    /// absent, "=" (or "", as the IMAP and POP3 parsers hand over "=") for an empty one, else base64.
    /// </summary>
    SaslStep Start(string? initialResponse);

    /// <summary>Next step after a response line (text as received, without CRLF; null when not valid text).</summary>
    SaslStep Next(string? responseLine);
}
