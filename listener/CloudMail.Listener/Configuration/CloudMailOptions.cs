namespace CloudMail.Listener.Configuration;

/// <summary>
/// Configuration section <c>CloudMail</c>: where data lives, what to listen on, which certificate to use.
/// Bound from appsettings.json, <c>CLOUDMAIL__...</c> environment variables and the command line.
/// </summary>
public sealed class CloudMailOptions
{
    public const string Section = "CloudMail";

    /// <summary>Folder for message files, SQLite databases and the development certificate. Created if missing.</summary>
    public string DataDirectory { get; set; } = "cloudmail-data";

    /// <summary>
    /// This server's name in greetings and Received headers, the MX target <c>cloudmail dns records</c> prints and the
    /// name sent in EHLO when delivering. Default: the machine's fully qualified name as <c>hostname -f</c> gives it. A name
    /// that is not fully qualified is logged as a warning at start, and delivery then introduces itself with its address.
    /// </summary>
    public string HostName { get; set; } = CloudMail.Core.DnsSetup.MailHostName.Machine;

    /// <summary>
    /// IP address every endpoint binds to. "::" (the default): every IPv6 and IPv4 address of the machine, as Postfix's
    /// and Dovecot's defaults do (0.0.0.0 on a machine without IPv6); "0.0.0.0" for IPv4 only; "127.0.0.1" for this
    /// machine only.
    /// </summary>
    public string ListenAddress { get; set; } = "::";

    /// <summary>Port per endpoint; 0 picks a free port (tests), -1 disables the endpoint.</summary>
    public PortOptions Ports { get; set; } = new();

    /// <summary>PKCS#12 (.pfx) file with the TLS certificate and key, and any issuing chain (sent in every handshake). Empty: a self-signed development certificate in DataDirectory/tls.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>Password of <see cref="TlsCertificatePath"/>, if any.</summary>
    public string? TlsCertificatePassword { get; set; }

    /// <summary>
    /// How often the server looks at <see cref="TlsCertificatePath"/> for a new certificate (a renewed Key Vault
    /// certificate replaces the mounted file): new connections get the new one, no restart. A file that does not load
    /// leaves the current certificate in use.
    /// </summary>
    public TimeSpan TlsCertificateReloadInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Longest time the server waits for a client to accept output (one flush), on every protocol; a client
    /// that stops reading is disconnected after it. Postfix's smtpd_timeout (300 s) also bounds writes.
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Octets of replies a session may buffer; at this size it sends them (bounded by WriteTimeout) before it
    /// reads or runs more commands, so a client that pipelines without reading cannot grow server memory.
    /// At least 4096.
    /// </summary>
    public int MaxPendingOutput { get; set; } = 65_536;

    /// <summary>
    /// Most simultaneous connections per endpoint. When it is full, a connection from an address holding at least two
    /// connections fewer than the address holding the most takes the oldest connection of that one, which is ended as
    /// at shutdown (so a few addresses each under their own limit cannot keep everyone else out; exempt addresses are
    /// never ended); other connections get the protocol's "try again later" refusal (SMTP 421 4.3.2, IMAP BYE,
    /// POP3 -ERR) and are closed. Per-address limits: CloudMail:ClientLimits. Sized for many idle IMAP clients. All
    /// endpoints together also stay within what the process's open-file limit leaves room for (.NET raises the soft limit
    /// to the hard one; three quarters of it, less what is open at start, logged then): connections beyond it get the same
    /// refusal.
    /// </summary>
    public int MaxConnectionsPerEndpoint { get; set; } = 20_000;

    /// <summary>How long shutdown waits for sessions to finish before closing them.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Section <c>CloudMail:Ports</c>.</summary>
public sealed class PortOptions
{
    public const string Section = "CloudMail:Ports";

    public int Smtp { get; set; } = 25;
    public int Submission { get; set; } = 587;
    public int Submissions { get; set; } = 465;
    public int Imap { get; set; } = 143;
    public int Imaps { get; set; } = 993;
    public int Pop3 { get; set; } = 110;
    public int Pop3s { get; set; } = 995;

    /// <summary>HTTP send API and health endpoint (read by the HTTP host; bound port goes to listening-http.json).</summary>
    public int Http { get; set; } = 8080;

    /// <summary>True when every port is -1 (off), 0 (any free port) or a TCP port (1 to 65535).</summary>
    public bool AllValid() => new[] { Smtp, Submission, Submissions, Imap, Imaps, Pop3, Pop3s, Http }.All(p => p is >= -1 and <= 65535);
}
