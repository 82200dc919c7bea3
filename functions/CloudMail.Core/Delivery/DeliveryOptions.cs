namespace CloudMail.Core.Delivery;

/// <summary>
/// Section <c>CloudMail:Delivery</c> (Functions app settings <c>CloudMail__Delivery__…</c>): how mail for remote domains
/// leaves this server, bound and validated at start. The route of a domain is its entry in <see cref="Domains"/>, else
/// <see cref="SmartHost"/> when its <see cref="SmartHostOptions.Host"/> is set, else direct delivery to the domain's MX
/// hosts. The retry values are the outbound stage's: they replace the pipeline's generic backoff for remote delivery,
/// because a remote server's 4xx deserves hours of patience, not ten quick tries.
/// </summary>
public sealed class DeliveryOptions
{
    public const string Section = "CloudMail:Delivery";

    /// <summary>The relay every remote domain uses unless <see cref="Domains"/> says otherwise; none when Host is empty.</summary>
    public SmartHostOptions SmartHost { get; set; } = new();

    /// <summary>
    /// Per recipient domain (lower-case key; <c>*.example.com</c> matches subdomains): a smart host of its own, or
    /// <c>Mode = Mx</c> to deliver that domain directly while everything else goes through <see cref="SmartHost"/>.
    /// </summary>
    public Dictionary<string, DomainRouteOptions> Domains { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Name sent in EHLO; empty means <c>CloudMail:HostName</c> or the machine's fully qualified name. One that is not
    /// fully qualified is replaced by the address literal of the connection's own end (<c>[192.0.2.1]</c>, RFC 5321
    /// §4.1.4), to MX hosts and smart hosts alike.
    /// </summary>
    public string HeloName { get; set; } = "";

    /// <summary>
    /// TCP port of direct MX delivery. 25 by RFC 5321 §4.5.4; other values exist only for isolated test networks.
    /// </summary>
    public int MxPort { get; set; } = 25;

    /// <summary>The retry waits used while <see cref="RetrySchedule"/> is empty: 5, 10, 20, 40 minutes, then 1, 2, 4 hours.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetrySchedule =
    [
        TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(40),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4),
    ];

    /// <summary>
    /// Waits before each retry of a recipient after a transient failure: the last entry repeats until <see cref="Expiry"/>.
    /// Empty (the default) means 5, 10, 20, 40 minutes, then 1, 2, 4 hours (<see cref="DefaultRetrySchedule"/>); a
    /// configured list replaces that whole (it starts empty because the configuration binder appends to a filled list).
    /// </summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>The schedule in force: <see cref="RetrySchedule"/>, or <see cref="DefaultRetrySchedule"/> when it is empty.</summary>
    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule;

    /// <summary>How long after acceptance a message is retried before it bounces (RFC 5321 §4.5.4.1: at least 4–5 days).</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromDays(5);

    /// <summary>
    /// After this long undelivered, the sender gets one delay DSN (RFC 3464 action "delayed") if it did not refuse delay
    /// notices (NOTIFY without DELAY, or NEVER). Zero turns delay notices off.
    /// </summary>
    public TimeSpan DelayNoticeAfter { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// Largest original message a failure DSN returns whole when the sender asked for RET=FULL (RFC 3461 §4.3: SHOULD);
    /// a larger one gets its header only (<c>text/rfc822-headers</c>), as with RET=HDRS. 1 MiB by default: far below any
    /// common receiving size limit (10 MB and up), so the notification itself is not refused for its size, and enough for
    /// almost every text message; a bounced multi-megabyte attachment is not worth sending back across the Internet.
    /// </summary>
    public long DsnReturnFullMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Recipients of one SMTP transaction; a message to more recipients at one destination goes in several transactions.
    /// Postfix: 50 (default_destination_recipient_limit); RFC 5321 §4.5.3.1.8 only promises 100 per transaction, and a
    /// receiver that takes fewer answers the rest 452, which only retries them later.
    /// </summary>
    public int MaxRecipientsPerTransaction { get; set; } = 50;

    /// <summary>SMTP connections open at once to one destination host (a receiving server may throttle more). Postfix: 20 (default_destination_concurrency_limit).</summary>
    public int MaxConnectionsPerDestination { get; set; } = 20;

    /// <summary>
    /// Messages one SMTP connection carries before it is closed: after a completed transaction the connection waits
    /// (<see cref="ConnectionIdleTimeout"/>) for the next message to the same host, address, port, TLS policy and
    /// credentials, which then skips the connect, greeting, EHLO, STARTTLS and AUTH. 1 turns reuse off. Postfix reuses
    /// its connections the same way (smtp_connection_cache_on_demand).
    /// </summary>
    public int MaxMessagesPerConnection { get; set; } = 100;

    /// <summary>
    /// How long an open connection waits for the next message before it gets QUIT. A few seconds: long enough for a
    /// burst of mail to one destination, short enough to free the receiver's slot (Postfix: 2 s, smtp_connection_cache_time_limit).
    /// </summary>
    public TimeSpan ConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time to connect to one address of a destination before trying the next.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an MX address (or a smart host) that refused or timed out a TCP connection is passed over by further
    /// deliveries without a new attempt (<c>451 4.4.1 … not tried</c>; the recipients are retried on the schedule, or the
    /// next MX host takes them), as Postfix holds a dead destination: a host that does not answer costs one connection timeout per hold,
    /// not one per queued message. Zero turns this off.
    /// </summary>
    public TimeSpan UnreachableHostHoldTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Time allowed for each reply of the receiving server. RFC 5321 §4.5.3.2 asks the client to wait at least 5 minutes
    /// for most replies and at least 10 for the one after the message's final dot (§4.5.3.2.6: the server may be
    /// processing the message; giving up earlier risks the message being delivered and then sent again). MailKit has one
    /// timeout for every reply, so the default is the longer one.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Longest a delivery waits for one of a destination host's <see cref="MaxConnectionsPerDestination"/> connections
    /// when all are busy. Past it the host is passed over for this attempt (<c>451 4.4.5</c>; another MX host may take
    /// the mail, else the recipients are retried on the schedule), so the mail of one slow destination never holds every
    /// outbound worker while other destinations wait.
    /// </summary>
    public TimeSpan DestinationWaitTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Longest one host may take to carry one transaction, from connecting to the reply after the message, however
    /// promptly each single reply comes (<see cref="CommandTimeout"/>): a server that answers a byte at a time cannot
    /// hold a delivery for hours. Past it the connection is dropped and the host passed over (<c>451 4.4.2</c>).
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Longest one delivery of one message to one domain may take across all its MX hosts and addresses (and all its
    /// transactions when it has more than <see cref="MaxRecipientsPerTransaction"/> recipients). A session still running
    /// at the deadline is dropped; hosts not yet tried wait for the next scheduled attempt, and the recipients not
    /// delivered are deferred (<c>451 4.4.2</c>). This bounds a job however many MX hosts a domain publishes, so that it
    /// is settled long before the stuck-outbound sweep (<c>CloudMail:Pipeline:StuckOutboundAfter</c>, 2 hours, checked at
    /// start to be longer) would take it for lost and queue it a second time.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (string p in SmartHost.Problems($"{Section}:SmartHost")) yield return p;
        foreach ((string domain, DomainRouteOptions route) in Domains)
        {
            if (route.Mode == DeliveryMode.SmartHost && string.IsNullOrWhiteSpace(route.SmartHost.Host))
                yield return $"{Section}:Domains:{domain}: Mode SmartHost needs SmartHost:Host";
            foreach (string p in route.SmartHost.Problems($"{Section}:Domains:{domain}:SmartHost")) yield return p;
        }
        if (MxPort is < 1 or > 65535) yield return $"{Section}:MxPort must be a TCP port";
        if (RetrySchedule.Any(t => t <= TimeSpan.Zero)) yield return $"{Section}:RetrySchedule needs positive waits";
        if (Expiry <= TimeSpan.Zero) yield return $"{Section}:Expiry must be positive";
        if (DelayNoticeAfter < TimeSpan.Zero) yield return $"{Section}:DelayNoticeAfter must not be negative";
        if (DsnReturnFullMaxBytes < 0) yield return $"{Section}:DsnReturnFullMaxBytes must not be negative";
        if (MaxConnectionsPerDestination < 1) yield return $"{Section}:MaxConnectionsPerDestination must be positive";
        if (MaxRecipientsPerTransaction is < 1 or > 1000) yield return $"{Section}:MaxRecipientsPerTransaction must be between 1 and 1000";
        if (MaxMessagesPerConnection is < 1 or > 10_000) yield return $"{Section}:MaxMessagesPerConnection must be between 1 and 10000";
        // RFC 5321 §4.5.3.2.7: a server may drop a client idle for 5 minutes; waiting longer only finds dead connections.
        if (ConnectionIdleTimeout <= TimeSpan.Zero || ConnectionIdleTimeout > TimeSpan.FromMinutes(5))
            yield return $"{Section}:ConnectionIdleTimeout must be positive and at most 5 minutes";
        if (ConnectTimeout <= TimeSpan.Zero) yield return $"{Section}:ConnectTimeout must be positive";
        if (UnreachableHostHoldTime < TimeSpan.Zero) yield return $"{Section}:UnreachableHostHoldTime must not be negative";
        if (CommandTimeout <= TimeSpan.Zero) yield return $"{Section}:CommandTimeout must be positive";
        if (DestinationWaitTimeout <= TimeSpan.Zero) yield return $"{Section}:DestinationWaitTimeout must be positive";
        if (AttemptTimeout <= TimeSpan.Zero) yield return $"{Section}:AttemptTimeout must be positive";
        if (DeliveryTimeout <= TimeSpan.Zero) yield return $"{Section}:DeliveryTimeout must be positive";
    }
}

/// <summary>How mail for a domain leaves.</summary>
public enum DeliveryMode
{
    /// <summary>To the domain's MX hosts (RFC 5321 §5.1), port <see cref="DeliveryOptions.MxPort"/>.</summary>
    Mx,

    /// <summary>Through a relay that authenticates this server.</summary>
    SmartHost,
}

/// <summary>One recipient domain's route (see <see cref="DeliveryOptions.Domains"/>).</summary>
public sealed class DomainRouteOptions
{
    /// <summary>Direct MX or a smart host; SmartHost by default when an entry exists.</summary>
    public DeliveryMode Mode { get; set; } = DeliveryMode.SmartHost;

    /// <summary>The relay, when <see cref="Mode"/> is SmartHost.</summary>
    public SmartHostOptions SmartHost { get; set; } = new();
}

/// <summary>TLS towards a smart host.</summary>
public enum SmartHostTls
{
    /// <summary>STARTTLS required (RFC 3207; port 587): no TLS, no mail. The default.</summary>
    StartTls,

    /// <summary>TLS from the first byte (RFC 8314; port 465).</summary>
    Implicit,

    /// <summary>Plaintext allowed (only for a relay on a trusted network; credentials are then refused).</summary>
    None,
}

/// <summary>
/// A relay (e.g. a provider's submission service, or Azure Communication Services' SMTP relay on
/// <c>smtp.azurecomm.net:587</c> with an Entra application's credentials).
/// </summary>
public sealed class SmartHostOptions
{
    /// <summary>Host name; empty means no smart host.</summary>
    public string Host { get; set; } = "";

    /// <summary>TCP port: 587 (STARTTLS) by default.</summary>
    public int Port { get; set; } = 587;

    /// <summary>TLS mode.</summary>
    public SmartHostTls Tls { get; set; } = SmartHostTls.StartTls;

    /// <summary>User name for AUTH; empty means no authentication.</summary>
    public string Username { get; set; } = "";

    /// <summary>Password for AUTH (in Azure a Key Vault reference resolved by the platform). Never logged.</summary>
    public string Password { get; set; } = "";

    /// <summary>
    /// Accept the relay's certificate without verifying it. Only for a relay on a private network with a self-signed
    /// certificate (and tests); the connection is then encrypted but not authenticated.
    /// </summary>
    public bool AllowUntrustedCertificate { get; set; }

    /// <summary>True when a relay is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    /// <summary>Problems with the values, each prefixed with <paramref name="path"/>.</summary>
    public IEnumerable<string> Problems(string path)
    {
        if (!IsConfigured) yield break;
        if (Port is < 1 or > 65535) yield return $"{path}:Port must be a TCP port";
        if (Tls == SmartHostTls.None && !string.IsNullOrEmpty(Username)) yield return $"{path}: credentials need Tls StartTls or Implicit";
    }
}
