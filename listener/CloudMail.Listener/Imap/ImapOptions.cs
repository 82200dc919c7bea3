namespace CloudMail.Listener.Imap;

/// <summary>Configuration section <c>CloudMail:Imap</c>: the IMAP server's security switches and limits.</summary>
public sealed class ImapOptions
{
    public const string Section = "CloudMail:Imap";

    /// <summary>
    /// Allow LOGIN and AUTHENTICATE on port 143 before STARTTLS. Default false: passwords never travel in
    /// plaintext (RFC 3501 §6.2.3 LOGINDISABLED, RFC 8314 §4).
    /// </summary>
    public bool AllowInsecureAuth { get; set; }

    /// <summary>
    /// Inactivity autologout after login, also the longest IDLE. RFC 3501 §5.4 / RFC 9051 §5.4: at least 30 minutes.
    /// A command (with its small literals) must arrive whole within this time of the server starting to wait for it.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// During IDLE, an untagged <c>* OK Still here</c> at least this often (Dovecot's imap_idle_notify_interval, 2 minutes):
    /// NAT gateways, firewalls and load balancers drop a TCP connection that carries nothing for a few minutes (Azure Load
    /// Balancer's default idle timeout is 4), after which the client waits for news on a connection that is gone. An
    /// untagged OK is information only (RFC 9051 §7.1.1), allowed while idling (RFC 2177 §3). Zero sends none.
    /// </summary>
    public TimeSpan IdleKeepaliveInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Inactivity limit before login (RFC 9051 §5.4 allows a shorter timer for unauthenticated sessions).</summary>
    public TimeSpan UnauthenticatedTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Octets per second of an APPEND message literal that extend its deadline by one second each: the literal
    /// must arrive within the inactivity timeout plus received octets / MinDataRate, and no single wait may be
    /// longer than the inactivity timeout (the same rule as SMTP DATA; Postfix smtpd_min_data_rate is 500).
    /// </summary>
    public int MinDataRate { get; set; } = 500;

    /// <summary>Largest APPEND message literal in bytes (the same 35 MiB default as the SMTP message size).</summary>
    public long MaxLiteralSize { get; set; } = 36_700_160;

    /// <summary>
    /// Most bytes of one command including its small literals (everything but the APPEND message). RFC 7162 §4
    /// asks servers to accept at least 8192 octets.
    /// </summary>
    public int MaxCommandLength { get; set; } = 64 * 1024;

    /// <summary>
    /// BAD replies in a row (a successful command ends the run), or failed logins and other refusals in all, after which
    /// the server says BYE and closes. 20 is Dovecot's limit of invalid commands (CLIENT_MAX_BAD_COMMANDS), so that a
    /// client or conformance suite trying many malformed commands in one session is cut where Dovecot would cut it.
    /// </summary>
    public int MaxErrors { get; set; } = 20;

    /// <summary>How often a selected mailbox is re-read for changes made by other processes (during IDLE and between commands).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Azure mode: how often a mailbox that a session is idling in is re-read for mail added by another replica or the
    /// Functions app (one Table point read per idling mailbox per interval, shared by its sessions; see ReplicaChangePoller).
    /// </summary>
    public TimeSpan ReplicaPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most mailbox notifications (untagged STATUS and LIST for mailboxes other than the selected one) one NOTIFY report
    /// may carry. When more changed at once (a RENAME of a large tree, a bulk import), the session sends
    /// <c>* OK [NOTIFICATIONOVERFLOW]</c> instead and acts as after NOTIFY NONE (RFC 5465 §5.8); the client re-reads
    /// what it needs and may NOTIFY SET again.
    /// </summary>
    public int NotifyOverflowLimit { get; set; } = 1000;

    /// <summary>Parsed message structures (ENVELOPE, BODYSTRUCTURE, part offsets) kept per session.</summary>
    public int StructureCacheSize { get; set; } = 256;

    /// <summary>
    /// Messages whose SORT and THREAD values (sent date, base subject, first addresses, Message-ID, References) the
    /// process keeps, shared by all sessions, so that sorting a large mailbox again does not read every message's stored
    /// structure again; a few hundred bytes each (more for a long References chain). When full it starts over empty.
    /// The whole-mailbox answers SORT and THREAD ... ALL keep (for a webmail client sorting or threading the same mailbox
    /// again for every page) cover up to four times as many messages each (an answer counting as at least 64): 8 bytes a
    /// message for SORT, the answer's text for THREAD.
    /// </summary>
    public int OrderCacheSize { get; set; } = 100_000;

    /// <summary>
    /// Messages of the mailbox listings the process keeps for SELECT, EXAMINE, STATUS, CATENATE's URLs and the POP3
    /// maildrop, shared by all sessions (<see cref="Core.Mailboxes.ViewListingCache"/>): a mailbox selected again is not
    /// listed from the index again but brought up to date with the changes since (nothing to read when there are none),
    /// and the sessions that hold it selected share its records. About 250 bytes a message (each listing counting as at
    /// least 64 messages); the least recently used listing is dropped first.
    /// </summary>
    public int ListingCacheSize { get; set; } = 100_000;

    /// <summary>
    /// Longest mailbox name CREATE, RENAME (a renamed mailbox's children included) and SUBSCRIBE accept, in characters
    /// after modified UTF-7 decoding; a longer name answers <c>NO [LIMIT]</c> (RFC 5530 §3). At most 4096, the
    /// length every storage backend stores, so that both behave alike.
    /// </summary>
    public int MaxMailboxNameLength { get; set; } = 512;

    /// <summary>
    /// Most mailboxes per account, and most subscriptions per account: a CREATE or RENAME that would make more
    /// mailboxes (missing superiors count), or a SUBSCRIBE of one name more, answers <c>NO [LIMIT]</c> (RFC 5530 §3).
    /// Bounds what every LIST and LSUB has to walk.
    /// </summary>
    public int MaxMailboxes { get; set; } = 1000;

    /// <summary>
    /// Longest LIST or LSUB pattern in characters, the reference included; with several patterns (RFC 5258 §3) their
    /// total. A longer one answers <c>NO [LIMIT]</c> (RFC 5530 §3).
    /// </summary>
    public int MaxListPatternLength { get; set; } = 1024;
}
