using CloudMail.Core.Messages;
using MimeKit;

namespace CloudMail.Core.SendApi;

/// <summary>
/// Reads a raw <c>message/rfc822</c> submission: the body must parse as an RFC 5322 message with a From
/// header and at least one recipient in To, Cc or Bcc. The envelope is taken from those headers (the sender
/// is Sender when present, else the first From mailbox, RFC 5322 §3.6.2). Pure; never throws on client input:
/// unparseable input is a 400 problem, a message that cannot be sent is 422.
/// </summary>
public static class RawMessageReader
{
    public static Checked<RawSubmission> Read(ReadOnlyMemory<byte> raw, int maxRecipients)
    {
        if (raw.IsEmpty) return Checked<RawSubmission>.Fail(ApiProblem.Malformed("The request body is empty; send an RFC 5322 message."));
        byte[] bytes = LineEndings.ToCrLf(raw.Span);
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(ParserOptions.Default, new MemoryStream(bytes, writable: false));
        }
        catch (FormatException e)
        {
            return Checked<RawSubmission>.Fail(ApiProblem.Malformed($"The body is not an RFC 5322 message: {e.Message} Send headers (From, To, Subject), an empty line, then the body."));
        }

        var errors = new FieldErrors();
        var from = message.From.Mailboxes.ToList();
        if (from.Count == 0) errors.Add("From", "a From header with the sender's address is required");
        foreach (var mailbox in from)
            if (!MailAddresses.IsPlausible(mailbox.Address)) errors.Add("From", $"'{mailbox.Address}' is not a valid address");
        var sender = message.Sender;
        if (sender is not null && !MailAddresses.IsPlausible(sender.Address)) errors.Add("Sender", $"'{sender.Address}' is not a valid address");

        var recipients = new List<string>();
        foreach (var (field, list) in new[] { ("To", message.To), ("Cc", message.Cc), ("Bcc", message.Bcc) })
        {
            foreach (var mailbox in list.Mailboxes)
            {
                if (!MailAddresses.IsPlausible(mailbox.Address)) errors.Add(field, $"'{mailbox.Address}' is not a valid address");
                else if (!recipients.Contains(mailbox.Address.ToLowerInvariant())) recipients.Add(mailbox.Address.ToLowerInvariant());
            }
        }
        if (recipients.Count == 0 && !errors.Any) errors.Add("To", "at least one recipient is required in To, Cc or Bcc");
        if (recipients.Count > maxRecipients) errors.Add("To", $"at most {maxRecipients} recipients (To, Cc and Bcc together) are allowed; got {recipients.Count}");
        if (errors.Any)
            return Checked<RawSubmission>.Fail(ApiProblem.Invalid("The message cannot be sent: " + errors.Summary(), errors.ToDictionary()));

        var envelopeSender = sender ?? from[0];
        var identities = sender is null ? from : [.. from, sender];
        return Checked<RawSubmission>.Ok(new RawSubmission(message, bytes, envelopeSender.Address.ToLowerInvariant(),
            identities.Select(m => m.Address.ToLowerInvariant()).Distinct().ToList(), recipients));
    }
}

/// <summary>A parsed raw submission.</summary>
/// <param name="Message">The parsed message (the handler removes Bcc and adds missing Date/Message-ID before storing).</param>
/// <param name="Bytes">The submitted bytes with line endings made CRLF; stored as they are when nothing must change.</param>
/// <param name="MailFrom">Envelope sender, lower-cased.</param>
/// <param name="SenderAddresses">Every From and Sender address (all must be in the key's domain).</param>
/// <param name="Recipients">To, Cc and Bcc addresses, lower-cased, first occurrence kept.</param>
public sealed record RawSubmission(MimeMessage Message, byte[] Bytes, string MailFrom, IReadOnlyList<string> SenderAddresses, IReadOnlyList<string> Recipients)
{
    /// <summary>
    /// Writes the message as it must be stored: without Bcc (RFC 5322 §3.6.3 lets the server drop it; recipients
    /// stay in the envelope), and with Date and Message-ID added when absent (RFC 6409 §8.2, §8.3). When nothing
    /// changes the submitted bytes are written untouched.
    /// </summary>
    public async Task WriteForStorageAsync(Stream destination, string messageId, DateTimeOffset date, CancellationToken cancellationToken)
    {
        bool changed = false;
        if (Message.Headers.Contains(HeaderId.Bcc))
        {
            while (Message.Headers.Remove(HeaderId.Bcc)) { }
            changed = true;
        }
        if (!Message.Headers.Contains(HeaderId.Date))
        {
            Message.Date = date;
            changed = true;
        }
        if (!Message.Headers.Contains(HeaderId.MessageId))
        {
            Message.MessageId = $"{messageId}@{MailAddresses.DomainOf(MailFrom)}";
            changed = true;
        }
        if (changed) await Message.WriteToAsync(MimeMessageFactory.WireFormat, destination, cancellationToken).ConfigureAwait(false);
        else await destination.WriteAsync(Bytes, cancellationToken).ConfigureAwait(false);
    }
}
