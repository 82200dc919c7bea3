using CloudMail.Core.Messages;

namespace CloudMail.Core.Delivery;

/// <summary>
/// Hands one message to the server responsible for one recipient domain: the domain's MX hosts (RFC 5321 §5.1) or the
/// smart host its outbound policy names, over SMTP with the TLS the policy, MTA-STS (RFC 8461), DANE (RFC 7672) and
/// REQUIRETLS (RFC 8689) demand. Implemented in <c>CloudMail.Delivery</c> (DnsClient + MailKit); the outbound stage
/// (<c>OutboundStage</c>) decides what to do with each recipient's result (log, retry, bounce).
/// </summary>
public interface IOutboundTransport
{
    /// <summary>
    /// Delivers the message <paramref name="openMessage"/> returns (the exact bytes to send, DKIM signature included,
    /// positioned at the start; the transport disposes it) to every recipient of <paramref name="envelope"/> in one SMTP
    /// transaction per destination host. Never throws for anything the network, DNS or the remote server did: each
    /// recipient gets a <see cref="RecipientResult"/> (one per <see cref="OutboundEnvelope.Recipients"/> entry, same
    /// order). Throws only for cancellation or a bug.
    /// </summary>
    Task<IReadOnlyList<RecipientResult>> DeliverAsync(
        OutboundEnvelope envelope, Func<CancellationToken, Task<Stream>> openMessage, CancellationToken cancellationToken);
}

/// <summary>One SMTP transaction's worth of recipients, all in <paramref name="Domain"/>.</summary>
/// <param name="Domain">The recipients' domain (lower-case, A-label), whose MX or smart host is used.</param>
/// <param name="MailFrom">Reverse-path to send (possibly SRS-rewritten); empty for the null sender of a bounce.</param>
/// <param name="Recipients">The recipients, in order, each with its DSN parameters to pass on when the peer offers DSN.</param>
/// <param name="RequireTls">REQUIRETLS (RFC 8689): only verified TLS to a peer that offers REQUIRETLS, else permanent failure.</param>
/// <param name="Return">RET to pass on (RFC 3461) when the peer offers DSN.</param>
/// <param name="EnvelopeId">ENVID to pass on when the peer offers DSN.</param>
/// <param name="SmtpUtf8">
/// The message came with SMTPUTF8 (<see cref="Messages.Envelope.SmtpUtf8"/>): when its header fields hold UTF-8 it goes
/// only to a peer that offers SMTPUTF8, with the SMTPUTF8 parameter (RFC 6531 §3.4).
/// </param>
public sealed record OutboundEnvelope(
    string Domain,
    string MailFrom,
    IReadOnlyList<OutboundRecipient> Recipients,
    bool RequireTls = false,
    DsnReturn? Return = null,
    string? EnvelopeId = null,
    bool SmtpUtf8 = false);

/// <summary>One recipient of an <see cref="OutboundEnvelope"/>.</summary>
public sealed record OutboundRecipient(string Address, DsnNotify Notify = DsnNotify.Default, string? OriginalRecipient = null);

/// <summary>What became of one recipient.</summary>
public enum RecipientOutcome
{
    /// <summary>The remote server accepted responsibility (250 after DATA).</summary>
    Delivered,

    /// <summary>Try again later: 4xx, connection or TLS failure, temporary DNS failure, every host unreachable.</summary>
    Transient,

    /// <summary>Will never succeed: 5xx, null MX (RFC 7505), non-existent domain, TLS required by policy and impossible.</summary>
    Permanent,
}

/// <summary>One recipient's result.</summary>
/// <param name="Recipient">The address as in <see cref="OutboundRecipient.Address"/>.</param>
/// <param name="Outcome">Delivered, transient or permanent.</param>
/// <param name="Reply">
/// The remote server's reply as one line (<c>550 5.1.1 no such user</c>), or, when no server answered, a reply CloudMail
/// composes in the same form (<c>451 4.4.1 connection refused by mx.example.com [192.0.2.1]</c>,
/// <c>556 5.1.10 example.com does not accept mail (null MX)</c>). Never message content.
/// </param>
/// <param name="RemoteHost">The host (name and address) that gave the reply, or null when none was reached.</param>
/// <param name="PeerTakesDsn">
/// Delivered to a server that offers DSN (RFC 3461): the recipient's NOTIFY went with it, so that server (or the one that
/// delivers at last) reports success itself, and this one sends no "relayed" notification (RFC 3461 §4.2).
/// </param>
public sealed record RecipientResult(string Recipient, RecipientOutcome Outcome, string Reply, string? RemoteHost, bool PeerTakesDsn = false);
