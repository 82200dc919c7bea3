namespace CloudMail.Protocols.Smtp;

/// <summary>
/// Every reply CloudMail's SMTP server sends, with its RFC. Codes: RFC 5321 §4.2.2-§4.2.3; enhanced
/// status codes: RFC 3463 and the IANA registry (RFC 5248). AUTH codes: RFC 4954 §4 and §6.
/// Replies that carry run-time values are factory methods.
/// </summary>
public static class SmtpReplies
{
    // ---- Connection (RFC 5321 §3.1, §4.1.1.10, §3.8) ----

    /// <summary>220 greeting (RFC 5321 §4.2: no enhanced code on the greeting, RFC 2034 §3).</summary>
    public static SmtpReply Greeting(string hostName) => new(220, null, $"{hostName} ESMTP CloudMail");

    /// <summary>
    /// 421 instead of the greeting: the client's address holds too many connections or opened them too fast
    /// (RFC 5321 §3.8 and §4.2.2: the service is not available to it now; X.7.0 security or policy, as Postfix).
    /// </summary>
    public static SmtpReply TooManyConnectionsFromAddress(string hostName) => new(421, "4.7.0", $"{hostName} Too many connections from your address");

    /// <summary>421 instead of the greeting: the client's address opened too many connections this minute (see <see cref="TooManyConnectionsFromAddress"/>).</summary>
    public static SmtpReply ConnectionRateExceeded(string hostName) => new(421, "4.7.0", $"{hostName} Too many connections from your address this minute");

    /// <summary>421 instead of the greeting: the endpoint is full (RFC 3463 X.3.2 system not accepting network messages).</summary>
    public static SmtpReply TooManyConnections(string hostName) => new(421, "4.3.2", $"{hostName} Too many connections; try again later");

    /// <summary>221 after QUIT (RFC 5321 §4.1.1.10).</summary>
    public static readonly SmtpReply Bye = new(221, "2.0.0", "Bye");

    /// <summary>421 on shutdown (RFC 5321 §3.8).</summary>
    public static SmtpReply ShuttingDown(string hostName) => new(421, "4.3.2", $"{hostName} Service shutting down, closing transmission channel");

    /// <summary>421 when a command line or a DATA/BDAT block did not arrive in time (RFC 5321 §4.5.3.2.7).</summary>
    public static SmtpReply Timeout(string hostName) => new(421, "4.4.2", $"{hostName} Timeout exceeded, closing transmission channel");

    /// <summary>421 when the session reached its maximum duration (RFC 5321 §3.8 lets a server close with 421; X.4.2 as for other time limits).</summary>
    public static SmtpReply SessionTooLong(string hostName) => new(421, "4.4.2", $"{hostName} Session time limit exceeded, closing transmission channel");

    /// <summary>
    /// 421 to MAIL on a session whose account was disabled or removed after its AUTH (RFC 5321 §3.8 lets a server close with
    /// 421; RFC 3463 X.7.0 other security status): the session ends, the client logs in again and is refused then.
    /// </summary>
    public static SmtpReply AccountUnavailable(string hostName) => new(421, "4.7.0", $"{hostName} Account is no longer available, closing transmission channel");

    /// <summary>421 after too many NOOP/RSET/VRFY/HELP commands (Postfix smtpd_junk_command_limit; RFC 3463 X.7.0 other security status).</summary>
    public static SmtpReply TooManyJunkCommands(string hostName) => new(421, "4.7.0", $"{hostName} Too many junk commands, closing transmission channel");

    /// <summary>421 when the client made too many errors (deliberately more than RFC 5321 requires; Postfix does the same).</summary>
    public static SmtpReply TooManyErrors(string hostName) => new(421, "4.7.0", $"{hostName} Too many errors, closing transmission channel");

    /// <summary>421: too many refused recipients in one session (directory harvest); the connection closes.</summary>
    public static SmtpReply TooManyUnknownRecipients(string hostName) => new(421, "4.7.0", $"{hostName} Too many unknown recipients, closing transmission channel");

    /// <summary>450 (RFC 3463 X.7.1): the client or account sent too much mail this hour; it may try again later.</summary>
    public static readonly SmtpReply MessageRateExceeded = new(450, "4.7.1", "Too many messages from you this hour; try again later");

    /// <summary>450 (RFC 3463 X.7.1): the client or account gave too many recipients this hour.</summary>
    public static readonly SmtpReply RecipientRateExceeded = new(450, "4.7.1", "Too many recipients from you this hour; try again later");

    /// <summary>421 after a BDAT line whose size cannot be read: the data that follows cannot be skipped (RFC 3030 §2).</summary>
    public static SmtpReply CannotResynchronize(string hostName) => new(421, "4.5.0", $"{hostName} Cannot find the end of the BDAT chunk, closing transmission channel");

    // ---- Generic success ----

    /// <summary>250 for RSET and NOOP (RFC 5321 §4.1.1.5, §4.1.1.9).</summary>
    public static readonly SmtpReply Ok = new(250, "2.0.0", "Ok");

    /// <summary>250 for MAIL (RFC 3463 X.1.0 other address status).</summary>
    public static readonly SmtpReply SenderOk = new(250, "2.1.0", "Sender ok");

    /// <summary>250 for RCPT (RFC 3463 X.1.5 destination address valid).</summary>
    public static readonly SmtpReply RecipientOk = new(250, "2.1.5", "Recipient ok");

    /// <summary>250 after DATA/BDAT LAST, sent only after the message is durable (RFC 5321 §4.1.1.4, §6.1).</summary>
    public static SmtpReply Queued(string messageId) => new(250, "2.0.0", $"Ok: queued as {messageId}");

    /// <summary>250 for a BDAT chunk that is not the last (RFC 3030 §2).</summary>
    public static SmtpReply ChunkReceived(long octets) => new(250, "2.0.0", $"{octets} octets received");

    /// <summary>250 for HELO (RFC 5321 §4.1.1.1).</summary>
    public static SmtpReply Helo(string hostName) => new(250, null, hostName);

    /// <summary>354 after DATA (RFC 5321 §4.1.1.4; 3xx replies carry no enhanced code).</summary>
    public static readonly SmtpReply StartMailInput = new(354, null, "End data with <CR><LF>.<CR><LF>");

    /// <summary>252 for VRFY: we neither confirm nor deny addresses (RFC 5321 §3.5.3, §7.3).</summary>
    public static readonly SmtpReply CannotVerify = new(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");

    /// <summary>214 for HELP (RFC 5321 §4.1.1.8).</summary>
    public static readonly SmtpReply Help = new(214, "2.0.0", "Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH");

    // ---- Syntax and sequence (RFC 5321 §4.2.4, RFC 3463 X.5.x) ----

    /// <summary>500: command not recognized (RFC 3463 X.5.2 syntax error).</summary>
    public static readonly SmtpReply UnknownCommand = new(500, "5.5.2", "Command not recognized");

    /// <summary>
    /// 500: line longer than the limit; the line was discarded and the session goes on (RFC 5321 §4.5.3.1.4
    /// "500 Line too long"; enhanced code X.5.6 as the IANA registry names it for over-long lines, RFC 4954 §6).
    /// </summary>
    public static readonly SmtpReply LineTooLong = new(500, "5.5.6", "Line too long");

    /// <summary>500: command line has bytes that are not text (NUL, invalid UTF-8) (RFC 5321 §2.3.1).</summary>
    public static readonly SmtpReply InvalidCharacters = new(500, "5.5.2", "Invalid characters in command");

    /// <summary>501: arguments do not parse (RFC 3463 X.5.4 invalid command arguments).</summary>
    public static SmtpReply Syntax(string usage) => new(501, "5.5.4", $"Syntax: {usage}");

    /// <summary>501: bad reverse-path (RFC 3463 X.1.7 bad sender's mailbox address syntax).</summary>
    public static readonly SmtpReply BadSenderSyntax = new(501, "5.1.7", "Bad sender address syntax");

    /// <summary>501: bad forward-path (RFC 3463 X.1.3 bad destination mailbox address syntax).</summary>
    public static readonly SmtpReply BadRecipientSyntax = new(501, "5.1.3", "Bad recipient address syntax");

    /// <summary>501: HELO/EHLO domain is not a domain or address literal (RFC 5321 §4.1.1.1).</summary>
    public static readonly SmtpReply BadHeloSyntax = new(501, "5.5.4", "Invalid HELO/EHLO domain");

    /// <summary>502: recognized but not offered (RFC 5321 §4.2.4), e.g. AUTH on port 25, BDAT without CHUNKING, EXPN.</summary>
    public static readonly SmtpReply NotImplemented = new(502, "5.5.1", "Command not implemented");

    /// <summary>503: command out of sequence; the one reply the state table gives (RFC 5321 §4.1.4, §3.3).</summary>
    public static readonly SmtpReply BadSequence = new(503, "5.5.1", "Bad sequence of commands");

    /// <summary>503: STARTTLS when TLS is already active (RFC 3207 §4: "MUST NOT" negotiate twice).</summary>
    public static readonly SmtpReply TlsAlreadyActive = new(503, "5.5.1", "TLS already active");

    /// <summary>503: AUTH after a successful AUTH (RFC 4954 §4).</summary>
    public static readonly SmtpReply AlreadyAuthenticated = new(503, "5.5.1", "Already authenticated");

    /// <summary>555: MAIL/RCPT parameter not recognized or not implemented (RFC 5321 §4.1.1.11, §4.2.3).</summary>
    public static SmtpReply ParameterNotImplemented(string keyword) => new(555, "5.5.4", $"Unsupported parameter {keyword}");

    // ---- Transaction (RFC 5321 §3.3, RFC 1870, RFC 6531) ----

    /// <summary>452: recipient limit reached; the client tries the rest in another transaction (RFC 5321 §4.5.3.1.10).</summary>
    public static readonly SmtpReply TooManyRecipients = new(452, "4.5.3", "Too many recipients");

    /// <summary>
    /// 452 (RFC 3463 X.2.2 mailbox full): every mailbox the recipient reaches is over its quota (RFC 9208). Transient, so the
    /// sender retries and the user can make room meanwhile (RFC 5321 §4.5.3.1.10 gives 452 for lack of storage).
    /// </summary>
    public static readonly SmtpReply MailboxFull = new(452, "4.2.2", "Mailbox full; try again later");

    /// <summary>550: unknown local user (RFC 3463 X.1.1 bad destination mailbox address).</summary>
    public static readonly SmtpReply UnknownUser = new(550, "5.1.1", "Recipient address rejected: user unknown");

    /// <summary>554: relaying refused, never an open relay (RFC 5321 §3.6.2, RFC 3463 X.7.1).</summary>
    public static readonly SmtpReply RelayDenied = new(554, "5.7.1", "Relay access denied");

    /// <summary>451 4.7.1: greylisted; a real mail server retries after the delay (RFC 5321 §4.5.4.1 retry strategy).</summary>
    public static SmtpReply Greylisted(int retryAfterSeconds) =>
        new(451, "4.7.1", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Greylisted, please try again in {retryAfterSeconds} seconds"));

    /// <summary>550 5.7.1: the recipient's (or its domain's, or the server's) block list names the sender or the client (RFC 3463 X.7.1 delivery not authorized).</summary>
    public static readonly SmtpReply SenderBlocked = new(550, "5.7.1", "Sender refused by the recipient's policy");

    /// <summary>554 5.7.1 (RFC 5782 §2.1 usage): the client's address is on a blocklist the server uses.</summary>
    public static SmtpReply Blocklisted(string address, string zone) => new(554, "5.7.1", $"Service unavailable; client host [{address}] blocked using {zone}");

    /// <summary>
    /// 550: a recipient only remote delivery could take (a remote domain, or an alias forwarding only to remote domains)
    /// while the server has no outbound route; refused in-session rather than accepted and never delivered or bounced
    /// (RFC 5321 §4.2.2 policy refusal, RFC 3463 X.7.1 delivery not authorized).
    /// </summary>
    public static readonly SmtpReply NoRemoteRoute = new(550, "5.7.1", "Remote delivery is not available on this server");

    /// <summary>
    /// 554 5.4.6 after DATA/BDAT: the message came with <paramref name="received"/> Received header fields, a mail loop
    /// (RFC 5321 §6.3 loop detection; RFC 3463 X.4.6 routing loop detected).
    /// </summary>
    public static SmtpReply TooManyHops(int received) =>
        new(554, "5.4.6", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Too many hops ({received} Received header fields): mail loop?"));

    /// <summary>552 at MAIL (SIZE= over the limit) and after DATA/BDAT (RFC 1870 §6, RFC 3463 X.3.4).</summary>
    public static SmtpReply MessageTooBig(long limit) => new(552, "5.3.4", $"Message size exceeds fixed maximum message size of {limit} octets");

    /// <summary>553: address needs SMTPUTF8 but MAIL did not carry it (RFC 6531 §3.5, IANA 5.6.7).</summary>
    public static readonly SmtpReply NonAsciiAddressWithoutSmtpUtf8 = new(553, "5.6.7", "Non-ASCII address requires the SMTPUTF8 parameter");

    /// <summary>553: submission MAIL FROM that is not the user's address or alias (RFC 6409 §8.1, IANA 5.7.1).</summary>
    public static readonly SmtpReply SenderNotOwned = new(553, "5.7.1", "Sender address not owned by authenticated user");

    /// <summary>530: MAIL with REQUIRETLS on a session without TLS (RFC 8689 §4.1: only over TLS; RFC 3463/IANA X.7.10 encryption needed).</summary>
    public static readonly SmtpReply RequireTlsWithoutTls = new(530, "5.7.10", "REQUIRETLS needs a TLS session");

    /// <summary>451: local error while checking or storing; nothing was accepted (RFC 5321 §4.2.3, RFC 3463 X.3.0).</summary>
    public static readonly SmtpReply LocalError = new(451, "4.3.0", "Local error in processing, try again later");

    /// <summary>
    /// 451: the message's checks and storing did not finish within the server's deadline (slow DNS, scanner or scorer);
    /// nothing was accepted and the client should try again later (RFC 5321 §4.2.3 transient, RFC 3463 X.3.0).
    /// </summary>
    public static readonly SmtpReply CommitTimedOut = new(451, "4.3.0", "Checking the message took too long, try again later");

    /// <summary>MAIL while the storage is nearly full (RFC 5321 §4.2.2, RFC 1870 §6.1, RFC 3463 X.3.1).</summary>
    public static readonly SmtpReply InsufficientStorage = new(452, "4.3.1", "Insufficient system storage, try again later");

    // ---- TLS and AUTH (RFC 3207, RFC 4954) ----

    /// <summary>220 before the TLS handshake (RFC 3207 §4).</summary>
    public static readonly SmtpReply ReadyToStartTls = new(220, "2.0.0", "Ready to start TLS");

    /// <summary>454: TLS unavailable (RFC 3207 §4).</summary>
    public static readonly SmtpReply TlsNotAvailable = new(454, "4.7.0", "TLS not available");

    /// <summary>530: submission needs AUTH before MAIL (RFC 4954 §6).</summary>
    public static readonly SmtpReply AuthenticationRequired = new(530, "5.7.0", "Authentication required");

    /// <summary>538: AUTH on a plaintext channel (RFC 4954 §6, IANA 5.7.11).</summary>
    public static readonly SmtpReply EncryptionRequired = new(538, "5.7.11", "Encryption required for requested authentication mechanism");

    /// <summary>504: unknown SASL mechanism (RFC 4954 §4).</summary>
    public static readonly SmtpReply UnknownMechanism = new(504, "5.5.4", "Unrecognized authentication type");

    /// <summary>501: the client cancelled with "*" (RFC 4954 §4).</summary>
    public static readonly SmtpReply AuthCancelled = new(501, "5.7.0", "Authentication cancelled");

    /// <summary>501: response is not valid base64 or not a valid SASL message (RFC 4954 §4, §6).</summary>
    public static readonly SmtpReply AuthBadResponse = new(501, "5.5.2", "Cannot decode authentication response");

    /// <summary>500: AUTH continuation line too long (RFC 4954 §6, IANA 5.5.6).</summary>
    public static readonly SmtpReply AuthLineTooLong = new(500, "5.5.6", "Authentication exchange line is too long");

    /// <summary>235 (RFC 4954 §6).</summary>
    public static readonly SmtpReply AuthSucceeded = new(235, "2.7.0", "Authentication successful");

    /// <summary>535 (RFC 4954 §6).</summary>
    public static readonly SmtpReply AuthFailed = new(535, "5.7.8", "Authentication credentials invalid");

    /// <summary>454: this address made too many recent failures for this account, or on many accounts (RFC 4954 §6 temporary failure).</summary>
    public static readonly SmtpReply AuthThrottled = new(454, "4.7.0", "Temporary authentication failure, try again later");

    /// <summary>334 with a base64 challenge (RFC 4954 §4). An empty challenge is "334 " (trailing space).</summary>
    public static SmtpReply AuthChallenge(string base64) => new(334, null, base64);

    /// <summary>
    /// The reply for a SASL exchange that ended without credentials (RFC 4954 §4, §6): 501 5.7.0 when cancelled,
    /// 535 when PLAIN named another authorization identity, else 501 5.5.2.
    /// </summary>
    public static SmtpReply ForSaslFailure(Sasl.SaslFailure failure) => failure switch
    {
        Sasl.SaslFailure.Cancelled => AuthCancelled,
        Sasl.SaslFailure.AuthorizationRefused => AuthFailed,
        _ => AuthBadResponse,
    };
}
