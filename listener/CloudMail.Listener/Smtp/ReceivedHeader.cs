using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// Builds the trace header this server prepends to every accepted message (RFC 5321 §4.4):
/// <code>
/// Received: from HELO ([IP])
///         by HOST with PROTOCOL (TLS) id MESSAGEID
///         for &lt;RCPT&gt;; DATE
/// </code>
/// No reverse DNS lookup is done, so TCP-info is the address literal only. "for" appears only with a
/// single recipient, so a message to many does not disclose the whole list. PROTOCOL is from RFC 3848
/// (SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA) and RFC 6531 §3.7.3 (UTF8SMTP...).
/// </summary>
internal static class ReceivedHeader
{
    public static byte[] Build(
        string heloName, string remoteAddress, string hostName, bool extended, bool smtpUtf8, bool tls, bool authenticated,
        string? tlsDescription, string messageId, IReadOnlyList<string> recipients, DateTimeOffset now)
    {
        var sb = new StringBuilder(256);
        sb.Append("Received: from ").Append(heloName.Length == 0 ? "unknown" : heloName)
          .Append(" (").Append(AddressLiteral(remoteAddress)).Append(")\r\n");
        sb.Append("\tby ").Append(hostName).Append(" with ").Append(Protocol(extended, smtpUtf8, tls, authenticated));
        if (tls && tlsDescription is not null) sb.Append(" (").Append(tlsDescription).Append(')');
        sb.Append(" id ").Append(messageId);
        if (recipients.Count == 1) sb.Append("\r\n\tfor <").Append(recipients[0]).Append('>');
        sb.Append("; ").Append(FormatDate(now)).Append("\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>RFC 3848 §1 and RFC 6531 §3.7.3 "with" keywords.</summary>
    public static string Protocol(bool extended, bool smtpUtf8, bool tls, bool authenticated)
    {
        if (!extended) return "SMTP";
        string suffix = (tls ? "S" : string.Empty) + (authenticated ? "A" : string.Empty);
        return (smtpUtf8 ? "UTF8SMTP" : "ESMTP") + suffix;
    }

    /// <summary>RFC 5321 §4.1.3 address-literal: [1.2.3.4] or [IPv6:...].</summary>
    public static string AddressLiteral(string address) =>
        IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[IPv6:{address}]"
            : $"[{address}]";

    /// <summary>RFC 5322 §3.3 date-time in UTC, e.g. "Sat, 29 Nov 2025 08:09:00 +0000".</summary>
    public static string FormatDate(DateTimeOffset now) =>
        now.ToUniversalTime().ToString("ddd, d MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
}
