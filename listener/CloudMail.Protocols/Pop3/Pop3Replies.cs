namespace CloudMail.Protocols.Pop3;

/// <summary>
/// Every POP3 status indicator, response code and fixed reply text the server sends, in one place.
/// Replies are single lines without the trailing CRLF. Response codes follow RFC 2449 §8 (extended
/// response codes, advertised with the RESP-CODES capability) and RFC 3206 (SYS and AUTH, advertised
/// with AUTH-RESP-CODE).
/// </summary>
public static class Pop3Replies
{
    /// <summary>Positive status indicator (RFC 1939 §3).</summary>
    public const string Ok = "+OK";

    /// <summary>Negative status indicator (RFC 1939 §3).</summary>
    public const string Err = "-ERR";

    /// <summary>Server challenge in a SASL exchange: "+ " then base64, empty for PLAIN (RFC 5034 §4).</summary>
    public const string Continuation = "+ ";

    /// <summary>Line that terminates a multi-line response (RFC 1939 §3).</summary>
    public const string Terminator = ".";

    /// <summary>RFC 2449 §8.1.1: the maildrop is locked by another session; retry later.</summary>
    public const string InUse = "[IN-USE]";

    /// <summary>RFC 2449 §8.1.2: the user logged in too recently (not used: CloudMail imposes no login delay).</summary>
    public const string LoginDelay = "[LOGIN-DELAY]";

    /// <summary>RFC 3206 §4: temporary system problem; the client should retry later and not prompt for a password.</summary>
    public const string SysTemp = "[SYS/TEMP]";

    /// <summary>RFC 3206 §4: permanent system problem that the user must report.</summary>
    public const string SysPerm = "[SYS/PERM]";

    /// <summary>RFC 3206 §5: the credentials (or the way they were sent) are the problem.</summary>
    public const string Auth = "[AUTH]";

    // ---- Refusals instead of the greeting (RFC 3206 §4: temporary, retry later) ----

    /// <summary>The client's address holds too many connections to POP3.</summary>
    public const string TooManyConnectionsFromAddress = Err + " " + SysTemp + " too many connections from your address";

    /// <summary>The client's address opened too many connections to POP3 this minute.</summary>
    public const string ConnectionRateExceeded = Err + " " + SysTemp + " too many connections from your address this minute";

    /// <summary>The endpoint is full.</summary>
    public const string TooManyConnections = Err + " " + SysTemp + " too many connections; try again later";

    // ---- AUTHORIZATION state ----

    /// <summary>RFC 1939 §4 greeting; must not contain an APOP timestamp since APOP is not offered.</summary>
    public static string Greeting(string hostName) => $"{Ok} {hostName} CloudMail POP3 server ready";

    /// <summary>RFC 2449 §5: first line of the CAPA response.</summary>
    public const string CapabilityListFollows = Ok + " capability list follows";

    /// <summary>RFC 1939 §7 USER. Always positive, so the reply does not reveal which mailboxes exist.</summary>
    public const string UserAccepted = Ok + " send PASS";

    /// <summary>RFC 1939 §7: PASS "may only be given ... immediately after a successful USER command".</summary>
    public const string UserFirst = Err + " give USER first";

    /// <summary>RFC 2595 §2.1 / RFC 8314 §3: no plaintext passwords before TLS unless AllowInsecureAuth.</summary>
    public const string TlsRequired = Err + " " + Auth + " plaintext authentication is disabled; use STLS first";

    /// <summary>RFC 3206 §5: wrong user name or password.</summary>
    public const string AuthFailed = Err + " " + Auth + " authentication failed";

    /// <summary>The account was disabled or removed after the login; the session closes without UPDATE (RFC 3206 §4 SYS/PERM).</summary>
    public const string AccountUnavailable = Err + " " + SysPerm + " account is no longer available; closing";

    /// <summary>This client address is refused after too many failures, for this account or on many accounts (password not checked).</summary>
    public const string Throttled = Err + " " + SysTemp + " too many login attempts; try again later";

    /// <summary>RFC 2449 §8.1.1: another session holds the maildrop lock (RFC 1939 §4 exclusive-access lock).</summary>
    public const string MaildropInUse = Err + " " + InUse + " maildrop is locked by another POP3 session";

    /// <summary>RFC 2449 §8.1.1: the user holds as many sessions as allowed (per client address or in all).</summary>
    public const string TooManySessions = Err + " " + InUse + " too many connections for this user";

    /// <summary>RFC 3206 §4: storage failed while opening the maildrop.</summary>
    public const string MaildropUnavailable = Err + " " + SysTemp + " unable to open the maildrop; try again later";

    /// <summary>RFC 1939 §7 PASS success.</summary>
    public static string MaildropReady(int messages) => $"{Ok} maildrop locked and ready, {messages} message{(messages == 1 ? "" : "s")}";

    /// <summary>RFC 2595 §4: STLS accepted; the TLS handshake starts right after this line.</summary>
    public const string BeginTls = Ok + " begin TLS negotiation";

    /// <summary>RFC 2595 §4: "-ERR ... command not permitted when TLS active".</summary>
    public const string TlsActive = Err + " command not permitted when TLS active";

    /// <summary>STLS on an endpoint that does not offer it.</summary>
    public const string TlsUnavailable = Err + " STLS is not available on this port";

    /// <summary>RFC 5034 §4: the client cancelled the exchange with "*".</summary>
    public const string AuthCancelled = Err + " authentication cancelled";

    /// <summary>RFC 5034 §4: AUTH with a mechanism the server does not support.</summary>
    public const string UnsupportedMechanism = Err + " unsupported authentication mechanism";

    /// <summary>RFC 5034 §4: the client response is not valid base64 or not a valid PLAIN message (RFC 4616 §2).</summary>
    public const string InvalidSaslResponse = Err + " " + Auth + " invalid SASL response";

    /// <summary>RFC 4616 §2: an authorization identity different from the authentication identity (proxy login).</summary>
    public const string AuthorizationIdentityRefused = Err + " " + Auth + " authorization identity must be empty or equal the user name";

    /// <summary>The reply for a SASL exchange that ended without credentials (RFC 5034 §4, RFC 4616 §2).</summary>
    public static string ForSaslFailure(Sasl.SaslFailure failure) => failure switch
    {
        Sasl.SaslFailure.Cancelled => AuthCancelled,
        Sasl.SaslFailure.AuthorizationRefused => AuthorizationIdentityRefused,
        _ => InvalidSaslResponse,
    };

    /// <summary>First line of the answer to AUTH without arguments (RFC 1734 style mechanism listing, kept for old clients).</summary>
    public const string MechanismListFollows = Ok + " SASL mechanisms follow";

    /// <summary>RFC 1939 §6 QUIT in AUTHORIZATION (no UPDATE state).</summary>
    public const string SigningOff = Ok + " CloudMail POP3 server signing off";

    // ---- TRANSACTION and UPDATE states ----

    /// <summary>RFC 1939 §5 STAT: "+OK nn mm" exactly, clients parse it.</summary>
    public static string Stat(int messages, long octets) => $"{Ok} {messages} {octets}";

    /// <summary>RFC 1939 §5 LIST without argument, first line.</summary>
    public static string ScanListFollows(int messages, long octets) => $"{Ok} {messages} messages ({octets} octets)";

    /// <summary>RFC 1939 §5 LIST and UIDL with an argument: "+OK n value".</summary>
    public static string ScanLine(int message, string value) => $"{Ok} {message} {value}";

    /// <summary>RFC 1939 §7 UIDL without argument, first line.</summary>
    public const string UniqueIdListFollows = Ok + " unique-id listing follows";

    /// <summary>RFC 1939 §5 RETR: first line, the message follows.</summary>
    public static string MessageFollows(long octets) => $"{Ok} {octets} octets";

    /// <summary>RFC 1939 §7 TOP: first line, headers and lines follow.</summary>
    public const string TopFollows = Ok + " top of message follows";

    /// <summary>RFC 1939 §5 DELE.</summary>
    public static string Deleted(int message) => $"{Ok} message {message} deleted";

    /// <summary>RFC 1939 §5 RSET.</summary>
    public static string Reset(int messages) => $"{Ok} maildrop has {messages} message{(messages == 1 ? "" : "s")}";

    /// <summary>RFC 1939 §5 NOOP.</summary>
    public const string Noop = Ok;

    /// <summary>RFC 1939 §6 QUIT after a successful UPDATE.</summary>
    public static string Updated(int removed) => $"{Ok} CloudMail POP3 server signing off ({removed} message{(removed == 1 ? "" : "s")} deleted)";

    /// <summary>RFC 1939 §6: "-ERR some deleted messages not removed".</summary>
    public const string NotAllDeleted = Err + " " + SysTemp + " some deleted messages not removed";

    /// <summary>RFC 1939 §5: message number out of range.</summary>
    public const string NoSuchMessage = Err + " no such message";

    /// <summary>RFC 1939 §5: "-ERR message 2 already deleted" for RETR, LIST, UIDL, TOP and DELE of a marked message.</summary>
    public static string AlreadyDeleted(int message) => $"{Err} message {message} already deleted";

    /// <summary>RFC 3206 §4: the message body could not be read from storage.</summary>
    public const string MessageUnavailable = Err + " " + SysTemp + " message content is unavailable; try again later";

    // ---- Any state ----

    /// <summary>RFC 1939 §3: unknown keyword.</summary>
    public const string UnknownCommand = Err + " unknown command";

    /// <summary>RFC 1939 §3: known keyword in the wrong state (one place: <see cref="Pop3StateTable"/>).</summary>
    public const string WrongState = Err + " command not valid in this state";

    /// <summary>RFC 2449 §4: command lines are at most 255 octets including CRLF.</summary>
    public const string LineTooLong = Err + " command line too long (at most 255 octets)";

    /// <summary>A SASL continuation line longer than the configured cap.</summary>
    public const string SaslResponseTooLong = Err + " " + Auth + " SASL response too long";

    /// <summary>RFC 1939 §3: keywords and arguments are printable ASCII.</summary>
    public const string InvalidCharacters = Err + " invalid characters in command";

    /// <summary>RFC 1939 §3: wrong arguments; <paramref name="usage"/> shows the grammar, e.g. "RETR msg".</summary>
    public static string Syntax(string usage) => $"{Err} syntax: {usage}";

    /// <summary>Sent instead of the normal error when the per-connection error budget runs out; the connection closes.</summary>
    public const string TooManyErrors = Err + " too many errors; closing connection";

    /// <summary>Sent when the server stops while a session waits for a command (RFC 3206 §4: retry later).</summary>
    public const string ShuttingDown = Err + " " + SysTemp + " server shutting down";
}
