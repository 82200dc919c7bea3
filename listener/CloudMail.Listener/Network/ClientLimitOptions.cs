namespace CloudMail.Listener.Network;

/// <summary>
/// Configuration section <c>CloudMail:ClientLimits</c>: how much of the server one client address and one user may
/// hold, below the per-endpoint cap (<see cref="Configuration.CloudMailOptions.MaxConnectionsPerEndpoint"/>).
/// Connection limits are counted per protocol (SMTP on 25/587/465, IMAP on 143/993, POP3 on 110/995), as Postfix's
/// anvil counts per (service, client): a flood on port 25 from an address does not shut that address's mail
/// users out of IMAP, and each protocol keeps its own normal numbers (an office behind one NAT address holds many
/// IMAP connections and few SMTP ones). Enforced by <see cref="ClientAddressLimiter"/> and <see cref="UserSessionLimiter"/>.
/// </summary>
public sealed class ClientLimitOptions
{
    public const string Section = "CloudMail:ClientLimits";

    /// <summary>
    /// Most simultaneous connections from one client address (IPv6: one prefix, see Ipv6PrefixLength) to one protocol.
    /// Further connections get the protocol's refusal (SMTP <c>421 4.7.0</c>, IMAP <c>* BYE [UNAVAILABLE]</c>, POP3
    /// <c>-ERR [SYS/TEMP]</c>) and are closed. Postfix's smtpd_client_connection_count_limit default.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; } = 50;

    /// <summary>
    /// Most connection attempts from one client address to one protocol within a minute (refused attempts count too),
    /// as Postfix's smtpd_client_connection_rate_limit over anvil_rate_time_unit (60 s); the minute starts at the
    /// address's first attempt. The default, 10 a second for a whole minute, is far above what mail clients and
    /// servers open; it stops connect-and-close floods that each cost a greeting or a TLS handshake. On implicit-TLS
    /// ports (465, 993, 995) an attempt over this rate is closed without a handshake (a handshake per refused attempt
    /// would spend the CPU the limit protects); every other refusal there is sent after the handshake.
    /// </summary>
    public int MaxConnectionsPerAddressPerMinute { get; set; } = 600;

    /// <summary>
    /// IPv6 clients are counted by this prefix, because one host or site usually owns a whole /64 and can pick a new
    /// address in it for every connection. 1 to 128. IPv4 clients (and IPv4-mapped IPv6) are counted by address.
    /// </summary>
    public int Ipv6PrefixLength { get; set; } = 64;

    /// <summary>
    /// Comma-separated addresses or CIDR ranges that the connection limits do not apply to (not the per-user session
    /// limits). Default: this host's loopback addresses, as Postfix exempts $mynetworks (mynetworks_style=host) from
    /// anvil's limits; add a TCP proxy that does not pass the client address on, since every client then shares its address.
    /// </summary>
    public string ExemptAddresses { get; set; } = "127.0.0.1, ::1";

    /// <summary>
    /// Most (protocol, client address) pairs remembered at once, so that a spray from many addresses cannot grow
    /// memory without bound. When full, addresses without open connections are forgotten first (they lose their
    /// rate count); if every remembered address has open connections, new addresses are refused as "server busy".
    /// </summary>
    public int MaxTrackedAddresses { get; set; } = 100_000;

    /// <summary>
    /// Most time a refusal may take: the TLS handshake on implicit-TLS ports plus writing the one-line reply.
    /// A client that does not complete it in time is closed without a reply.
    /// </summary>
    public TimeSpan RefusalTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most refusals being written at once (all endpoints); beyond it a refused connection is closed without a reply.</summary>
    public int MaxConcurrentRefusals { get; set; } = 100;

    /// <summary>
    /// Most authenticated IMAP and POP3 sessions (counted together) of one user from one client address (IPv6: one
    /// prefix). Further logins get IMAP <c>NO [LIMIT]</c> or POP3 <c>-ERR [IN-USE]</c>. Dovecot's mail_max_userip_connections default.
    /// </summary>
    public int MaxSessionsPerUserAndAddress { get; set; } = 10;

    /// <summary>Most authenticated IMAP and POP3 sessions (counted together) of one user from all addresses.</summary>
    public int MaxSessionsPerUser { get; set; } = 50;
}
