namespace CloudMail.Listener.Pop3;

/// <summary>Configuration section <c>CloudMail:Pop3</c>: security switches and limits of the POP3 server.</summary>
public sealed class Pop3Options
{
    public const string Section = "CloudMail:Pop3";

    /// <summary>
    /// Allows USER/PASS and AUTH on port 110 before STLS. Default false: passwords never cross the
    /// network in plaintext (RFC 8314 §3, RFC 2595 §2.1). Only for trusted networks and old clients.
    /// </summary>
    public bool AllowInsecureAuth { get; set; }

    /// <summary>
    /// How long the server waits for a complete command, from when it starts waiting for it, before it closes
    /// the connection without a reply and without the UPDATE state (output is bounded by CloudMail:WriteTimeout). RFC 1939 §3: an inactivity
    /// autologout timer must be at least 10 minutes; shorter values are for tests only.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Negative replies (bad commands, failed logins, missing messages) a connection may get in a row (in all before login) before it is closed.</summary>
    public int MaxErrors { get; set; } = 10;

    /// <summary>Longest client line in a SASL exchange (the "+ " continuation), CRLF included.</summary>
    public int MaxSaslResponseLength { get; set; } = 8192;

    /// <summary>Most time an STLS handshake may take.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
