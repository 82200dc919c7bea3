namespace CloudMail.Protocols.Pop3;

/// <summary>
/// The CAPA response (RFC 2449 §5). The list depends on the connection, not the state: RFC 2449 §5 says
/// capabilities available in AUTHORIZATION must be announced in both states, so USER, SASL and STLS are
/// listed whenever this connection could use them.
/// </summary>
public static class Pop3Capabilities
{
    /// <summary>The capability lines, without the "+OK" line and the terminating ".".</summary>
    /// <param name="loginAllowed">USER/PASS and AUTH are allowed on this connection (TLS active, or AllowInsecureAuth).</param>
    /// <param name="stlsOffered">The connection is plaintext on an endpoint that offers STLS (RFC 2595 §4).</param>
    public static IReadOnlyList<string> For(bool loginAllowed, bool stlsOffered)
    {
        var lines = new List<string>(10)
        {
            "TOP",                 // RFC 2449 §6.1
            "UIDL",                // RFC 2449 §6.8
        };
        if (loginAllowed)
        {
            lines.Add("USER");     // RFC 2449 §6.2
            lines.Add("SASL " + Sasl.SaslMechanisms.All); // RFC 2449 §6.3, RFC 5034 §3
        }
        lines.Add("RESP-CODES");   // RFC 2449 §6.4
        lines.Add("AUTH-RESP-CODE"); // RFC 3206 §6
        lines.Add("PIPELINING");   // RFC 2449 §6.6
        if (stlsOffered) lines.Add("STLS"); // RFC 2595 §4
        lines.Add("EXPIRE NEVER"); // RFC 2449 §6.7: the server never deletes mail on its own
        lines.Add("IMPLEMENTATION CloudMail"); // RFC 2449 §6.9
        return lines;
    }
}
