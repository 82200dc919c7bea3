using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CloudMail.Core.Delivery;
using CloudMail.Core.DnsSetup;
using CloudMail.Core.Net;
using CloudMail.Core.Telemetry;
using CloudMail.Core.TlsReporting;
using CloudMail.Delivery.Dane;
using CloudMail.Delivery.MtaSts;
using CloudMail.Delivery.TlsReporting;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CloudMail.Delivery;

/// <summary>
/// <see cref="IOutboundTransport"/> over SMTP with MailKit. Direct delivery tries the domain's MX hosts in order and each
/// host's addresses in order (RFC 5321 §5.1), moving on when a connection fails, TLS fails or the host answers the
/// greeting, EHLO or MAIL with a temporary error; a smart host (<see cref="DestinationRoutes"/>) is the only destination
/// of its domains. One transaction carries up to <see cref="DeliveryOptions.MaxRecipientsPerTransaction"/> recipients of the
/// envelope (PIPELINING when offered), more go in further transactions (over the same connection when it is kept); a
/// refused RCPT affects only its recipient. TLS: opportunistic STARTTLS towards MX hosts without certificate checks (RFC 7435 §3);
/// REQUIRETLS (RFC 8689 §4.2.1) needs a verified certificate and a peer that offers REQUIRETLS (MailKit then sends the
/// MAIL parameter); a host without them is skipped, and when every host lacks them the recipients fail permanently
/// (<c>550 5.7.30</c>); a smart host gets the TLS mode it is configured with and a verified certificate. SMTPUTF8
/// (RFC 6531 §3.2): an envelope address with a non-ASCII local part, or a message that came with SMTPUTF8 and has UTF-8
/// header fields, goes only to a host that offers SMTPUTF8, and when none does the recipients fail permanently
/// (<c>550 5.6.7</c>, <c>550 5.6.9</c>); 8-bit bodies go to a host without 8BITMIME converted
/// (<see cref="EnvelopeSmtpClient"/>).
/// At most <see cref="DeliveryOptions.MaxConnectionsPerDestination"/> sessions per destination host at once; a delivery
/// that cannot get one within <see cref="DeliveryOptions.DestinationWaitTimeout"/>, or whose session outlasts
/// <see cref="DeliveryOptions.AttemptTimeout"/>, passes that host over (451 4.4.5, 451 4.4.2). One delivery ends at
/// <see cref="DeliveryOptions.DeliveryTimeout"/> however many hosts are left (451 4.4.2, the recipients retried later).
/// </summary>
/// <param name="mx">MX resolution.</param>
/// <param name="options">Routes, ports, timeouts, limits.</param>
/// <param name="logger">Where skipped hosts are logged.</param>
/// <param name="trust">Verification of TLS that must be authenticated; null: the system's roots only.</param>
/// <param name="mtaSts">MTA-STS policies (RFC 8461) of recipient domains; null: not consulted.</param>
public sealed partial class SmtpOutboundTransport(
    MxResolver mx, IOptions<DeliveryOptions> options, ILogger<SmtpOutboundTransport> logger, TlsTrust? trust = null, MtaStsPolicySource? mtaSts = null)
    : IOutboundTransport
{
    private readonly DestinationGates _destinations = new();

    /// <summary>
    /// This server's own SMTP endpoint, when it receives mail in this process: MX hosts of equal or worse preference than
    /// it are not tried, and mail for a domain whose best MX it is fails for good (RFC 5321 §5.1). Null: no such check.
    /// </summary>
    public ISelfSmtpEndpoint? Self { get; init; }

    /// <summary>MX addresses and smart hosts that could not be connected to lately (<see cref="DeliveryOptions.UnreachableHostHoldTime"/>).</summary>
    private readonly UnreachableHosts _unreachable = new(TimeProvider.System);

    public async Task<IReadOnlyList<RecipientResult>> DeliverAsync(
        OutboundEnvelope envelope, Func<CancellationToken, Task<Stream>> openMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(openMessage);
        DeliveryOptions o = options.Value;
        long started = Stopwatch.GetTimestamp();
        MimeMessage message;
        await using (Stream stream = await openMessage(cancellationToken).ConfigureAwait(false))
            message = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
        using (message)
        {
            // The SMTPUTF8 a message came with is needed onwards only when its header fields hold UTF-8.
            if (envelope.SmtpUtf8 && !Utf8HeaderFields.In(message)) envelope = envelope with { SmtpUtf8 = false };
            var targets = new List<Target>();
            string? daneFailure = null;
            if (DestinationRoutes.SmartHostFor(envelope.Domain, o) is { } relay)
            {
                targets.Add(new Target(relay.Host, null, relay.Port, relay));
            }
            else
            {
                var resolution = await mx.ResolveAsync(envelope.Domain, cancellationToken).ConfigureAwait(false);
                if (resolution is MxResolution.Failed failed) return All(envelope, failed.Outcome, failed.Reply, null);
                var hosts = ((MxResolution.Found)resolution).Hosts;
                if (Self is { } self)
                {
                    hosts = MxSelfCut.PreferredToSelf(hosts, (name, address) => self.IsSelf(name, address, o.MxPort));
                    if (hosts.Count == 0)
                        return All(envelope, RecipientOutcome.Permanent, $"554 5.4.6 mail for {envelope.Domain} loops back to myself (this server is its best MX host)", null);
                }
                var policy = mtaSts is null ? null : await mtaSts.GetAsync(envelope.Domain, cancellationToken).ConfigureAwait(false);
                bool enforce = policy?.Mode == MtaStsMode.Enforce;
                bool daneSecure = Dane is not null && await Dane.IsMxSecureAsync(envelope.Domain, cancellationToken).ConfigureAwait(false);
                foreach (var host in hosts)
                {
                    var dane = daneSecure ? await Dane!.ForHostAsync(host.Name, cancellationToken).ConfigureAwait(false) : null;
                    if (dane is DaneTlsa.Failed daneFailed)
                    {
                        daneFailure = daneFailed.Reply;
                        LogTryNext(envelope.Domain, host.Name, daneFailed.Reply);
                        await ReportDaneLookupFailureAsync(envelope.Domain, host, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    if (dane is DaneTlsa.Required required)
                    {
                        // RFC 8461 §2: DANE takes precedence over MTA-STS for this host; its sessions count under the TLSA policy.
                        var report = TlsReports is null ? null : TlsReportPolicies.ForDane(envelope.Domain, required.Records);
                        foreach (var address in host.Addresses) targets.Add(new Target(host.Name, address, o.MxPort, null, Dane: required, TlsReport: report));
                        continue;
                    }
                    if (policy is { Mode: not MtaStsMode.None } && !policy.Matches(host.Name))
                    {
                        // RFC 8461 §4.1: only MX hosts the policy names; in testing mode the mismatch is only reported.
                        LogMtaStsMismatch(envelope.Domain, host.Name, policy.Mode);
                        await ReportMtaStsMismatchAsync(envelope.Domain, policy, host, cancellationToken).ConfigureAwait(false);
                        if (enforce) continue;
                    }
                    foreach (var address in host.Addresses)
                        targets.Add(new Target(host.Name, address, o.MxPort, null, VerifiedTls: enforce, TlsReport: TlsReportFor(envelope.Domain, policy, host.Name)));
                }
                if (daneFailure is not null && targets.Count == 0) return All(envelope, RecipientOutcome.Transient, daneFailure, null);
                if (enforce && targets.Count == 0)
                    return All(envelope, RecipientOutcome.Transient, $"451 4.7.5 no MX host of {envelope.Domain} is allowed by its MTA-STS policy", null);
            }

            var until = new DeliveryDeadline(started, o.DeliveryTimeout);
            if (envelope.Recipients.Count <= o.MaxRecipientsPerTransaction)
                return await DeliverTransactionAsync(envelope, message, targets, daneFailure, until, o, cancellationToken).ConfigureAwait(false);
            var results = new List<RecipientResult>(envelope.Recipients.Count);
            foreach (var chunk in envelope.Recipients.Chunk(o.MaxRecipientsPerTransaction))
            {
                results.AddRange(await DeliverTransactionAsync(envelope with { Recipients = chunk }, message, targets, daneFailure, until, o, cancellationToken)
                    .ConfigureAwait(false));
            }
            return results;
        }
    }

    /// <summary>
    /// One transaction for the recipients of <paramref name="envelope"/>, on the first of <paramref name="targets"/> that
    /// takes it (or the reason none did, for every recipient). Hosts left when <paramref name="until"/> has passed are not
    /// tried, and the recipients are deferred.
    /// </summary>
    private async Task<IReadOnlyList<RecipientResult>> DeliverTransactionAsync(
        OutboundEnvelope envelope, MimeMessage message, List<Target> targets, string? daneFailure, DeliveryDeadline until, DeliveryOptions o,
        CancellationToken cancellationToken)
    {
        string lastReply = daneFailure ?? $"451 4.4.1 no host of {envelope.Domain} could be reached";
        bool everyHostLacksAnExtension = targets.Count > 0;
        bool lastAttemptReachedDeadline = false;
        for (int i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            if (until.Remaining <= TimeSpan.Zero || lastAttemptReachedDeadline)
            {
                LogDeliveryTimeout(envelope.Domain, o.DeliveryTimeout, targets.Count - i);
                return All(envelope, RecipientOutcome.Transient,
                    $"451 4.4.2 delivery to {envelope.Domain} took longer than {o.DeliveryTimeout:c} ({lastReply})", null);
            }
            var attempt = await AttemptAsync(envelope, message, target, until, o, cancellationToken).ConfigureAwait(false);
            if (attempt is Attempt.Done done) return done.Results;
            var next = (Attempt.TryNext)attempt;
            lastReply = next.Reply;
            everyHostLacksAnExtension &= next.LacksRequiredExtension;
            lastAttemptReachedDeadline = next.DeliveryTimedOut;
            LogTryNext(envelope.Domain, target.Describe(), lastReply);
        }
        // RFC 8689 §4.2.1: when no host can take REQUIRETLS mail over verified TLS, the message is returned (5.7.30), and
        // RFC 6531 §3.2 when none offers SMTPUTF8 for an address or header fields that need it (5.6.7, 5.6.9); a host
        // that could not be reached at all might, so that case stays temporary.
        return everyHostLacksAnExtension
            ? All(envelope, RecipientOutcome.Permanent, lastReply, null)
            : All(envelope, RecipientOutcome.Transient, lastReply, null);
    }

    /// <summary>A host to try: by address (MX) or by name (smart host, resolved by the system).</summary>
    /// <param name="VerifiedTls">MTA-STS enforce (RFC 8461 §5.1): STARTTLS required, certificate verified for <paramref name="Name"/>.</param>
    /// <param name="TlsReport">The policy its TLS outcome is counted under for TLS reports (RFC 8460); null: not counted.</param>
    /// <param name="Dane">Usable TLSA records (RFC 7672): STARTTLS required, certificate checked against them.</param>
    /// <param name="WithoutTls">A second session after STARTTLS failed (refused with 454, or a failed handshake) under opportunistic TLS: no STARTTLS (<see cref="OpportunisticOnly"/>).</param>
    private sealed record Target(
        string Name, IPAddress? Address, int Port, SmartHostOptions? Relay, bool VerifiedTls = false, TlsReportPolicy? TlsReport = null,
        DaneTlsa.Required? Dane = null, bool WithoutTls = false)
    {
        /// <summary><c>name [address]</c> for an MX host, <c>name:port</c> for a smart host (as configured).</summary>
        public string Describe() => Address is null ? $"{Name}:{Port}" : $"{Name} [{Address}]";

        /// <summary>What <see cref="UnreachableHosts"/> knows this host by: its address, or a smart host's name.</summary>
        public string HoldKey => Address?.ToString() ?? Name;

        /// <summary>
        /// TLS here is opportunistic for <paramref name="envelope"/>: an MX host with no MTA-STS enforcement, no DANE and no
        /// REQUIRETLS, so a refused STARTTLS or a failed handshake may be followed by a session without TLS (RFC 7435 §3; what Postfix's
        /// <c>smtp_tls_security_level=may</c> and Exim's <c>tls_tempfail_tryclear</c> do). Never for a smart host: its
        /// <c>Tls</c> setting is what the operator asked for.
        /// </summary>
        public bool OpportunisticOnly(OutboundEnvelope envelope) => Relay is null && !VerifiedTls && Dane is null && !envelope.RequireTls && !WithoutTls;
    }

    private abstract record Attempt
    {
        private Attempt() { }

        public sealed record Done(IReadOnlyList<RecipientResult> Results) : Attempt;

        /// <param name="Reply">Why this host did not take the mail.</param>
        /// <param name="LacksRequiredExtension">
        /// This host lacks what the message needs: REQUIRETLS mail and no verified TLS or no REQUIRETLS, or SMTPUTF8 mail
        /// and no SMTPUTF8.
        /// </param>
        /// <param name="DeliveryTimedOut">
        /// The session was dropped at <see cref="DeliveryOptions.DeliveryTimeout"/> (the clock may still show a moment left:
        /// timers and the stopwatch differ by a tick).
        /// </param>
        public sealed record TryNext(string Reply, bool LacksRequiredExtension = false, bool DeliveryTimedOut = false) : Attempt;
    }

    /// <summary>
    /// One try of one host, traced as a span <c>smtp.attempt</c> (a child of the outbound stage's span) with the host, its
    /// address and port, how the session went (<c>cloudmail.attempt.result</c>: delivered, or next-host with the reply).
    /// </summary>
    private async Task<Attempt> AttemptAsync(
        OutboundEnvelope envelope, MimeMessage message, Target target, DeliveryDeadline until, DeliveryOptions o, CancellationToken ct)
    {
        using var span = CloudMailTelemetry.Source.StartActivity("smtp.attempt", System.Diagnostics.ActivityKind.Client);
        span?.SetTag("server.address", target.Name);
        span?.SetTag("network.peer.address", target.Address?.ToString());
        span?.SetTag("server.port", target.Port);
        span?.SetTag("cloudmail.recipients", envelope.Recipients.Count);
        if (_unreachable.Held(target.HoldKey, target.Port, o.UnreachableHostHoldTime) is { } held)
        {
            span?.SetTag("cloudmail.attempt.result", "next-host");
            return new Attempt.TryNext(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"451 4.4.1 {target.Describe()}: not tried, no connection {held.Ago.TotalSeconds:0} s ago ({held.Reply})"));
        }
        var gate = _destinations.For(target.Name, o.MaxConnectionsPerDestination);
        TimeSpan mayWait = until.Remaining;
        if (!await gate.WaitAsync(Shorter(o.DestinationWaitTimeout, mayWait), ct).ConfigureAwait(false))
        {
            span?.SetTag("cloudmail.attempt.result", "next-host");
            return new Attempt.TryNext($"451 4.4.5 {target.Describe()}: all {o.MaxConnectionsPerDestination} connections to this host are busy",
                DeliveryTimedOut: mayWait < o.DestinationWaitTimeout);
        }
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            TimeSpan remaining = until.Remaining;
            bool cutByDelivery = remaining < o.AttemptTimeout;
            deadline.CancelAfter(Shorter(o.AttemptTimeout, remaining));
            Attempt attempt;
            try
            {
                attempt = await SessionAsync(envelope, message, target, o, fresh: false, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                attempt = cutByDelivery
                    ? new Attempt.TryNext($"451 4.4.2 {target.Describe()}: the session was dropped when the delivery reached {o.DeliveryTimeout:c}",
                        DeliveryTimedOut: true)
                    : new Attempt.TryNext($"451 4.4.2 {target.Describe()}: the session took longer than {o.AttemptTimeout:c}");
            }
            span?.SetTag("cloudmail.attempt.result", attempt is Attempt.Done ? "delivered" : "next-host");
            if (attempt is Attempt.TryNext next)
            {
                span?.SetTag("cloudmail.attempt.reply", next.Reply);
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, next.Reply);
            }
            return attempt;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <param name="fresh">Open a new connection even when the pool holds one (the pooled one just died).</param>
    private async Task<Attempt> SessionAsync(OutboundEnvelope envelope, MimeMessage message, Target target, DeliveryOptions o, bool fresh, CancellationToken ct)
    {
        string where = target.Describe();
        bool verify = envelope.RequireTls || target.VerifiedTls || target.Relay is { AllowUntrustedCertificate: false };
        using var session = RentSession(envelope, target, o, verify, fresh);
        var client = (EnvelopeSmtpClient)session.Client;
        bool connecting = !session.IsReused;
        try
        {
            if (connecting) await ConnectAndReportAsync(client, target, envelope, o, ct).ConfigureAwait(false);
            connecting = false;
            if (client.Socket is { } socket) session.Connected(socket);
            if (envelope.RequireTls && (!client.IsSecure || !client.Capabilities.HasFlag(SmtpCapabilities.RequireTLS)))
            {
                await QuitQuietlyAsync(client).ConfigureAwait(false);
                string missing = client.IsSecure ? "does not offer REQUIRETLS" : "offers no TLS";
                return new Attempt.TryNext($"550 5.7.30 REQUIRETLS support required: {where} {missing}", LacksRequiredExtension: true);
            }
            bool peerUtf8 = client.Capabilities.HasFlag(SmtpCapabilities.UTF8);
            if (!peerUtf8 && (HasNonAsciiLocalPart(envelope) || envelope.SmtpUtf8))
            {
                await QuitQuietlyAsync(client).ConfigureAwait(false);
                string reply = HasNonAsciiLocalPart(envelope)
                    ? $"550 5.6.7 SMTPUTF8 is required, but was not offered by {where}"
                    : $"550 5.6.9 UTF-8 header fields need SMTPUTF8, which was not offered by {where}";
                return new Attempt.TryNext(reply, LacksRequiredExtension: true);
            }
            if (!session.IsReused && target.Relay is { Username.Length: > 0 } relay)
                await client.AuthenticateAsync(relay.Username, relay.Password, ct).ConfigureAwait(false);

            var sender = envelope.MailFrom.Length == 0 ? new MailboxAddress("", "") : MailboxAddress.Parse(envelope.MailFrom);
            var recipients = envelope.Recipients.Select(r => MailboxAddress.Parse(r.Address)).ToList();
            // International: MailKit then sends the SMTPUTF8 parameter (RFC 6531 §3.4); it needs 8BITMIME as well.
            FormatOptions format = envelope.SmtpUtf8 && peerUtf8 && client.Capabilities.HasFlag(SmtpCapabilities.EightBitMime)
                ? Utf8Format
                : FormatOptions.Default;
            string response = await client.SendAsync(format, message, sender, recipients, ct).ConfigureAwait(false);
            session.Return();
            return new Attempt.Done(PerRecipient(envelope, client, RecipientOutcome.Delivered, "250 " + OneLine(response) + TlsPolicyNote(target), where));
        }
        catch (Exception e) when (DiedWhileIdle(session, e, ct))
        {
            session.Dispose();
            return await SessionAsync(envelope, message, target, o, fresh: true, ct).ConfigureAwait(false);
        }
        catch (NoRecipientAcceptedException)
        {
            await QuitQuietlyAsync(client).ConfigureAwait(false);
            return new Attempt.Done(PerRecipient(envelope, client, RecipientOutcome.Permanent, "550 5.1.1 refused", where));
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.MessageNotAccepted)
        {
            // After DATA (or BDAT): the reply applies to every recipient the peer had accepted.
            await QuitQuietlyAsync(client).ConfigureAwait(false);
            return new Attempt.Done(PerRecipient(envelope, client, OutcomeOf(e.StatusCode), Reply(e), where));
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.SenderNotAccepted && (int)e.StatusCode >= 500)
        {
            await QuitQuietlyAsync(client).ConfigureAwait(false);
            return new Attempt.Done(All(envelope, RecipientOutcome.Permanent, Reply(e), where));
        }
        catch (Exception e) when (StartTlsFailed(e, connecting) && target.OpportunisticOnly(envelope) && !ct.IsCancellationRequested)
        {
            // A peer whose STARTTLS is broken would otherwise never get mail from us: the same host again, without TLS.
            LogTlsFallback(envelope.Domain, where, e is SmtpCommandException refused ? Reply(refused) : Why(e));
            session.Dispose();
            return await SessionAsync(envelope, message, target with { WithoutTls = true }, o, fresh: true, ct).ConfigureAwait(false);
        }
        catch (SmtpCommandException e)
        {
            // A temporary MAIL refusal, or an error reply to the greeting, EHLO or STARTTLS: another host may do better.
            return new Attempt.TryNext($"{Reply(e)} (from {where})");
        }
        catch (AuthenticationException e)
        {
            // The relay refused our credentials: a configuration problem worth retrying once it is fixed, never a bounce.
            return new Attempt.Done(All(envelope, RecipientOutcome.Transient, $"454 4.7.0 authentication with {where} failed: {OneLine(e.Message)}", where));
        }
        catch (Exception e) when (target.Dane is not null && !envelope.RequireTls && e is SslHandshakeException or NotSupportedException)
        {
            // RFC 7672 §2.2: with usable TLSA records, no STARTTLS or no matching certificate means this host cannot be used.
            return new Attempt.TryNext($"451 4.7.5 DANE requires authenticated TLS: {where}: {Why(e)}");
        }
        catch (NotSupportedException e)
        {
            // STARTTLS (or AUTH) required by the configuration and not offered.
            return new Attempt.TryNext($"454 4.7.0 {where}: {OneLine(e.Message)}");
        }
        catch (SslHandshakeException e) when (target.VerifiedTls && !envelope.RequireTls)
        {
            return new Attempt.TryNext($"451 4.7.5 MTA-STS requires verified TLS: {where}: {Why(e)}");
        }
        catch (SslHandshakeException e) when (envelope.RequireTls)
        {
            return new Attempt.TryNext($"550 5.7.30 REQUIRETLS support required: no verified TLS with {where}: {Why(e)}", LacksRequiredExtension: true);
        }
        catch (Exception e) when (e is IOException or SocketException or SslHandshakeException or SmtpProtocolException
                                       or ServiceNotConnectedException or TimeoutException
                                   || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return new Attempt.TryNext($"451 4.4.1 {where}: {e.GetType().Name}: {Why(e)}");
        }
    }

    /// <summary>
    /// STARTTLS failed while the session was <paramref name="connecting"/>: the handshake failed, or the peer answered the
    /// command with 454 (RFC 3207 §4, "TLS not available due to temporary reason": what Postfix says when it cannot load
    /// its key).
    /// </summary>
    private static bool StartTlsFailed(Exception e, bool connecting) =>
        e is SslHandshakeException || (connecting && e is SmtpCommandException { StatusCode: (SmtpStatusCode)454 });

    private static readonly FormatOptions Utf8Format = new() { International = true };

    /// <summary>
    /// The sender or a recipient has a non-ASCII local part (RFC 6531 §3.2: such a transaction needs a peer that offers
    /// SMTPUTF8). A non-ASCII domain does not: MailKit sends it as A-labels (RFC 5890) to a peer without SMTPUTF8.
    /// </summary>
    private static bool HasNonAsciiLocalPart(OutboundEnvelope envelope) =>
        !IsAsciiLocalPart(envelope.MailFrom) || envelope.Recipients.Any(r => !IsAsciiLocalPart(r.Address));

    private static bool IsAsciiLocalPart(string address) =>
        System.Text.Ascii.IsValid(address.AsSpan(0, Math.Max(0, address.LastIndexOf('@'))));

    /// <summary>
    /// <paramref name="heloName"/> when it is a fully qualified domain name, else the address literal of
    /// <paramref name="socket"/>'s own end: RFC 5321 §4.1.4 asks for a primary host name or, without one, an address
    /// literal, and receivers refuse or score a bare name ("vm", a container id; Postfix's reject_non_fqdn_helo_hostname).
    /// </summary>
    private static string EhloName(string heloName, Socket socket)
    {
        if (MailHostName.IsFullyQualified(heloName) || socket.LocalEndPoint is not IPEndPoint local) return heloName;
        IPAddress address = local.Address.Unmapped();
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[IPv6:{address}]" : $"[{address}]";
    }

    private async Task ConnectAsync(EnvelopeSmtpClient client, Target target, DeliveryOptions o, CancellationToken ct)
    {
        SecureSocketOptions secure = SecureOptionsOf(target);
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(ct);
        connect.CancelAfter(o.ConnectTimeout);
        Socket socket;
        try
        {
            socket = await OpenSocketAsync(target, connect.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // No connection (refused, unreachable, a smart host's name not resolved), or none within ConnectTimeout.
            _unreachable.Failed(target.HoldKey, target.Port, e is SocketException s ? s.SocketErrorCode.ToString() : "connection timed out");
            throw;
        }
        _unreachable.Reached(target.HoldKey, target.Port);
        try
        {
            client.LocalDomain = EhloName(o.HeloName, socket);
            await client.ConnectAsync(socket, target.Name, target.Port, secure, connect.Token).ConfigureAwait(false);
            client.Socket = socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A socket connected to <paramref name="target"/>: its address, or for a smart host by name each address the system's
    /// resolver gives (the hosts file included, as for any other program of the machine), in turn until one answers.
    /// Throws the last <see cref="SocketException"/> when none does.
    /// </summary>
    private static async Task<Socket> OpenSocketAsync(Target target, CancellationToken ct)
    {
        IPAddress[] addresses = target.Address is { } address ? [address] : await System.Net.Dns.GetHostAddressesAsync(target.Name, ct).ConfigureAwait(false);
        SocketException? last = null;
        foreach (IPAddress candidate in addresses)
        {
            var socket = new Socket(candidate.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(candidate, target.Port, ct).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private static async Task QuitQuietlyAsync(SmtpClient client)
    {
        try
        {
            if (client.IsConnected) await client.DisconnectAsync(true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // The mail is settled; a lost QUIT changes nothing.
        }
    }

    /// <summary>Refused recipients keep their RCPT reply; the others get <paramref name="outcome"/> and <paramref name="reply"/>.</summary>
    private static List<RecipientResult> PerRecipient(OutboundEnvelope envelope, EnvelopeSmtpClient client, RecipientOutcome outcome, string reply, string where) =>
        envelope.Recipients.Select(r => client.Refused.TryGetValue(r.Address, out var refused)
            ? new RecipientResult(r.Address, OutcomeOf(refused.StatusCode), Reply(refused), where)
            : new RecipientResult(r.Address, outcome, reply, where, outcome == RecipientOutcome.Delivered && client.Capabilities.HasFlag(SmtpCapabilities.Dsn))).ToList();

    /// <summary>The shorter of two waits, never negative.</summary>
    private static TimeSpan Shorter(TimeSpan a, TimeSpan b) => TimeSpan.FromTicks(Math.Max(0, Math.Min(a.Ticks, b.Ticks)));

    /// <summary>When one delivery (<see cref="DeliveryOptions.DeliveryTimeout"/>, from its start) must end.</summary>
    private readonly record struct DeliveryDeadline(long Started, TimeSpan Limit)
    {
        public TimeSpan Remaining => Limit - Stopwatch.GetElapsedTime(Started);
    }

    private static List<RecipientResult> All(OutboundEnvelope envelope, RecipientOutcome outcome, string reply, string? where) =>
        envelope.Recipients.Select(r => new RecipientResult(r.Address, outcome, reply, where)).ToList();

    private static RecipientOutcome OutcomeOf(SmtpStatusCode code) =>
        (int)code >= 500 ? RecipientOutcome.Permanent : (int)code >= 400 ? RecipientOutcome.Transient : RecipientOutcome.Delivered;

    private static string Reply(SmtpResponse response) => $"{(int)response.StatusCode} {OneLine(response.Response)}";

    private static string Reply(SmtpCommandException e) => $"{(int)e.StatusCode} {OneLine(e.Message)}";

    /// <summary>
    /// Why <paramref name="e"/> happened, on one line: for a failed TLS handshake the innermost error (the peer's alert, the
    /// rejected certificate) instead of MailKit's general advice about certificates.
    /// </summary>
    private static string Why(Exception e) => OneLine(e is SslHandshakeException ? e.GetBaseException().Message : e.Message);

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    [LoggerMessage(Level = LogLevel.Warning, Message = "MX host {Host} of {Domain} is not in its MTA-STS policy (mode {Mode})")]
    private partial void LogMtaStsMismatch(string domain, string host, MtaStsMode mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS with {Host} for {Domain} failed ({Reason}); delivering over the same host without TLS, as opportunistic TLS allows")]
    private partial void LogTlsFallback(string domain, string host, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery to {Domain} via {Host} did not complete ({Reply}); trying the next host")]
    private partial void LogTryNext(string domain, string host, string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Domain} reached its DeliveryTimeout {Timeout}; {HostsLeft} hosts left for the next attempt")]
    private partial void LogDeliveryTimeout(string domain, TimeSpan timeout, int hostsLeft);
}
