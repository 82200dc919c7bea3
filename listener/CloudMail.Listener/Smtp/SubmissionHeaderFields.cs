namespace CloudMail.Listener.Smtp;

/// <summary>
/// The header edits of a submission server: the fields it adds to a message that lacks them (RFC 5322 §3.6 <c>From</c>,
/// from the envelope sender or the account; RFC 6409 §8.2 <c>Date</c>, §8.3
/// <c>Message-ID</c>, which the MSA SHOULD add: many scripts and small clients send neither, and large receivers refuse
/// or penalize mail without a Message-ID), appended at the end of the header. Bcc fields are removed (RFC 5322
/// §3.6.3). Applied for authenticated clients only; relayed mail is not changed.
/// </summary>
/// <param name="HostName">The id-right of the Message-ID (the server's host name, as Postfix uses <c>myhostname</c>).</param>
/// <param name="Received">When the message arrived: the Date given to it.</param>
/// <param name="MailFrom">The envelope sender (the user's own address or alias, checked at MAIL), or the account for the
/// null sender: the From given to a message without one (RFC 5322 §3.6 requires it; receivers refuse mail without it);
/// empty: none is added.</param>
internal sealed record SubmissionHeaderFields(string HostName, DateTimeOffset Received, string MailFrom)
{
    /// <summary>The fields (without line ends) that message <paramref name="messageId"/> lacks; empty when none.</summary>
    public IReadOnlyList<string> Missing(bool hasFrom, bool hasDate, bool hasMessageId, string messageId)
    {
        var fields = new List<string>(3);
        if (!hasFrom && MailFrom.Length > 0) fields.Add($"From: <{MailFrom}>");
        if (!hasDate) fields.Add("Date: " + ReceivedHeader.FormatDate(Received));
        if (!hasMessageId) fields.Add($"Message-ID: <{messageId}@{HostName}>");
        return fields;
    }
}
