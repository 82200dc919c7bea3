using System.Text;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// The header fields a submission server adds to a message that lacks them (RFC 6409 §8.2 <c>Date</c>, §8.3
/// <c>Message-ID</c>, which the MSA SHOULD add: many scripts and small clients send neither, and large receivers refuse
/// or penalize mail without a Message-ID). Added for authenticated clients only; relayed mail is not changed.
/// </summary>
/// <param name="HostName">The id-right of the Message-ID (the server's host name, as Postfix uses <c>myhostname</c>).</param>
/// <param name="Received">When the message arrived: the Date given to it.</param>
internal sealed record SubmissionHeaderFields(string HostName, DateTimeOffset Received)
{
    /// <summary>The missing fields (each ending in CRLF) for message <paramref name="messageId"/>; empty when none is missing.</summary>
    public string For(bool hasDate, bool hasMessageId, string messageId)
    {
        var sb = new StringBuilder();
        if (!hasDate) sb.Append("Date: ").Append(ReceivedHeader.FormatDate(Received)).Append("\r\n");
        if (!hasMessageId) sb.Append("Message-ID: <").Append(messageId).Append('@').Append(HostName).Append(">\r\n");
        return sb.ToString();
    }
}
