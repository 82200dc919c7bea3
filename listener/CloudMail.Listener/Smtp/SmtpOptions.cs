namespace CloudMail.Listener.Smtp;

/// <summary>
/// Configuration section <c>CloudMail:Smtp</c>: limits and security switches of the SMTP server on ports
/// 25, 587 and 465. Every default is here; the values are validated at start-up.
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "CloudMail:Smtp";

    /// <summary>
    /// Largest message accepted, in octets of message content as the client sends it (after dot-unstuffing;
    /// the Received header we add is not counted). Advertised as "SIZE" (RFC 1870) and enforced while the
    /// data streams in. Default 35 MiB.
    /// </summary>
    public long MaxMessageSize { get; set; } = 36_700_160;

    /// <summary>Recipients per transaction; more get 452 4.5.3. RFC 5321 §4.5.3.1.8 asks for at least 100.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>
    /// A message that arrives with this many <c>Received:</c> header fields or more is in a mail loop and refused at the
    /// end of its data (<c>554 5.4.6</c>), so that two servers forwarding to each other stop. RFC 5321 §6.3 asks for a
    /// large threshold, normally at least 100 (Postfix's <c>hopcount_limit</c> is 50).
    /// </summary>
    public int MaxReceivedHeaders { get; set; } = 100;

    /// <summary>
    /// How long a whole command line (or SASL response line) may take to arrive, counted from when the server
    /// starts waiting for it; partial input does not restart the clock (RFC 5321 §4.5.3.2.7: at least 5 minutes).
    /// Expiry: 421 4.4.2 and close.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// DATA/BDAT content: the longest wait for the next octets, and the time a block may take before it earns
    /// more through <see cref="MinDataRate"/>. RFC 5321 §4.5.3.2.5 gives the client 3 minutes per TCP send of
    /// a data block, so this must be longer. Expiry: 421 4.4.2 and close.
    /// </summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Octets per second of DATA/BDAT content that extend a block's deadline by one second each (Postfix
    /// smtpd_min_data_rate, 500). A block must arrive within DataTimeout + received octets / MinDataRate, so a
    /// client that sends one byte every few minutes is cut off while a slow but steady one is not.
    /// </summary>
    public int MinDataRate { get; set; } = 500;

    /// <summary>Longest SMTP session, whatever it does; at expiry the next read gets 421 4.4.2 and the connection closes.</summary>
    public TimeSpan MaxSessionDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Error replies (syntax, sequence, refused addresses, failed AUTH) a connection may get without delivering mail; one more
    /// closes it with 421. Postfix's smtpd_hard_error_limit (20), so that a client testing many refusals in one session
    /// (a conformance suite, a misconfigured sender) is cut where Postfix would cut it; accepting a message starts the
    /// count again.
    /// </summary>
    public int MaxErrors { get; set; } = 20;

    /// <summary>
    /// RCPT refusals for unknown local users a connection may get, whatever else it does (accepted messages do not reset
    /// it, unlike <see cref="MaxErrors"/>); one more gets 421 4.7.0 and the connection closes. Stops directory harvesting
    /// (guessing addresses) on a session that also sends some real mail. Postfix's nearest is smtpd_hard_error_limit (20).
    /// </summary>
    public int MaxUnknownRecipients { get; set; } = 20;

    /// <summary>
    /// Messages (MAIL commands) one client address may start per sliding hour on any SMTP port; more get 450 4.7.1.
    /// 0 = no limit, the default, as Postfix's smtpd_client_message_rate_limit: mail servers and load generators send
    /// from one address at high rates. Set it on exposed port-25 servers with known peers.
    /// </summary>
    public int MaxMessagesPerClientPerHour { get; set; }

    /// <summary>Recipients one client address may give per sliding hour (450 4.7.1 beyond); 0 = no limit (Postfix smtpd_client_recipient_rate_limit).</summary>
    public int MaxRecipientsPerClientPerHour { get; set; }

    /// <summary>
    /// Messages one authenticated account may start per sliding hour (450 4.7.1 beyond): a stolen password sends at most
    /// this much spam. Default 1,000 (Google Workspace allows 2,000 a day per user; Microsoft 365 30 a minute).
    /// </summary>
    public int MaxMessagesPerAccountPerHour { get; set; } = 1000;

    /// <summary>Recipients one authenticated account may give per sliding hour (450 4.7.1 beyond). Default 5,000.</summary>
    public int MaxRecipientsPerAccountPerHour { get; set; } = 5000;

    /// <summary>
    /// NOOP, RSET, VRFY and HELP commands a connection may send before a message is accepted; one more gets
    /// 421 4.7.0 and the connection closes. Postfix smtpd_junk_command_limit: 100; accepting a message starts the count again.
    /// </summary>
    public int MaxJunkCommands { get; set; } = 100;

    /// <summary>
    /// Longest ordinary command line, CRLF included (RFC 5321 §4.5.3.1.4: 512 octets). Longer lines are dropped
    /// as they arrive and answered with 500 5.5.6. Every MAIL/RCPT parameter this server offers (SIZE, BODY,
    /// SMTPUTF8) fits in 512 octets with a longest path (256 octets, RFC 5321 §4.5.3.1.3, counted in octets
    /// for UTF-8 addresses too), so no extension needs more; raise it only for clients that send long AUTH=
    /// parameters (RFC 4954 §5). At least 512.
    /// </summary>
    public int MaxCommandLineLength { get; set; } = 512;

    /// <summary>
    /// Longest AUTH command line and SASL response line, CRLF included: they carry base64 credentials, and
    /// RFC 4954 §4 requires at least 12288 octets. At least <see cref="MaxCommandLineLength"/>.
    /// </summary>
    public int MaxAuthLineLength { get; set; } = 12_288;

    /// <summary>
    /// Allows AUTH on port 587 before STARTTLS. Default false: passwords never cross the network in
    /// plaintext (RFC 8314 §3; RFC 4954 §4). Only for trusted networks and old clients.
    /// </summary>
    public bool AllowInsecureAuth { get; set; }

    /// <summary>
    /// Submission: every address of a message's From and Sender fields must be one the user may use as MAIL FROM (the
    /// account's address or an alias of it, plus tag allowed); otherwise the message gets 550 5.7.1 at the end of DATA and
    /// nothing is stored, so a user cannot send (DKIM-signed by this server) as a colleague. RFC 6409 §8.1 lets the MSA
    /// check the sender; mox and maddy (authorize_sender) check these fields by default, Postfix does not. A header that
    /// does not end within its first 256 KiB cannot be checked and gets 552 5.3.4. False: only MAIL FROM is checked.
    /// </summary>
    public bool RequireOwnedFromHeader { get; set; } = true;

    /// <summary>Offers CHUNKING (BDAT, RFC 3030). MailKit and Exchange use it when offered.</summary>
    public bool EnableChunking { get; set; } = true;

    /// <summary>Most time a STARTTLS handshake may take.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most time checking and storing a received message may take (filters, blob fsync, queue write) before the client is
    /// told 451 4.3.0 "Checking the message took too long, try again later" (nothing accepted; a warning logged). Not cut
    /// short by shutdown: a message whose data was received is finished.
    /// </summary>
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
