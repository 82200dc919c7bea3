using System.Net;
using CloudMail.Core.Delivery;
using MailKit.Security;

namespace CloudMail.Delivery.Sessions;

/// <summary>
/// What an open SMTP connection may carry another transaction for: a connection is reused only for the same host name,
/// address and port, the same TLS mode and certificate verification, and the same relay credentials. A session set up
/// with weaker TLS than a message needs (e.g. opportunistic, unverified) is never handed to that message.
/// </summary>
/// <param name="Host">The name the session was opened for (MX host or smart host as configured).</param>
/// <param name="Address">The address connected to; null for a smart host resolved by the system.</param>
/// <param name="Port">TCP port.</param>
/// <param name="Tls">How TLS was negotiated.</param>
/// <param name="Verification">How the peer's certificate was checked.</param>
/// <param name="Relay">
/// The smart host configuration whose credentials authenticated the session, compared by reference (one configuration
/// object per relay entry), so its password never needs copying into a key; null for MX delivery.
/// </param>
public readonly record struct SmtpSessionKey(
    string Host, IPAddress? Address, int Port, SecureSocketOptions Tls, SessionVerification Verification, SmartHostOptions? Relay)
{
    /// <summary>Host names compare case-insensitively (RFC 1035 §2.3.3); everything else exactly.</summary>
    public bool Equals(SmtpSessionKey other) =>
        string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase) && Equals(Address, other.Address) && Port == other.Port
        && Tls == other.Tls && Verification == other.Verification && ReferenceEquals(Relay, other.Relay);

    public override int GetHashCode() =>
        HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Host), Address, Port, Tls, Verification, Relay is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Relay));
}

/// <summary>How the certificate of a session's peer was checked.</summary>
public enum SessionVerification
{
    /// <summary>Not at all: opportunistic TLS (RFC 7435), or none.</summary>
    None,

    /// <summary>Chain to a trusted root and the host name (MTA-STS, REQUIRETLS, a smart host).</summary>
    Verified,

    /// <summary>Against the host's TLSA records (RFC 7672).</summary>
    Dane,
}
