using CloudMail.Core.Messages;
using MimeKit;
using MimeKit.Utils;

namespace CloudMail.SendApi;

/// <summary>
/// Reads a raw <c>message/rfc822</c> submission: its header block (<see cref="RawHeaderBlock"/>) must parse as RFC 5322
/// header fields with a From header and at least one recipient in To, Cc or Bcc. The envelope is taken from those
/// headers (the sender is Sender when present, else the first From mailbox, RFC 5322 §3.6.2). Only the header block is
/// read here; the body stays in the stream until <see cref="RawSubmission.WriteForStorageAsync"/> copies it. Never throws
/// on client input: unparseable input is a 400 problem, an oversized header block 413, a message that cannot be sent 422.
/// </summary>
public static class RawMessageReader
{
    /// <summary>Reads the header block from <paramref name="body"/> and checks it; the rest of the body is left unread.</summary>
    public static async Task<Checked<RawSubmission>> ReadAsync(Stream body, int maxHeaderBytes, int maxRecipients, CancellationToken cancellationToken)
    {
        var (head, problem) = await RawHeaderBlock.ReadAsync(body, maxHeaderBytes, cancellationToken).ConfigureAwait(false);
        return problem is not null ? Checked<RawSubmission>.Fail(problem) : Parse(head!, body, maxRecipients);
    }

    private static Checked<RawSubmission> Parse(RawHead head, Stream rest, int maxRecipients)
    {
        byte[] block = LineEndings.ToCrLf(head.Block);
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(ParserOptions.Default, new MemoryStream(block, writable: false));
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
        return Checked<RawSubmission>.Ok(new RawSubmission(message.Headers, block, head.BodyStart, rest, envelopeSender.Address.ToLowerInvariant(),
            identities.Select(m => m.Address.ToLowerInvariant()).Distinct().ToList(), recipients));
    }
}

/// <summary>A raw submission whose header block was read and checked; its body is still in <see cref="Rest"/>.</summary>
/// <param name="Headers">The parsed header fields.</param>
/// <param name="HeaderBlock">The header block as submitted with line endings made CRLF (the empty line included when there was one).</param>
/// <param name="BodyStart">Body bytes already read past the header block.</param>
/// <param name="Rest">The rest of the request body, read once by <see cref="WriteForStorageAsync"/>.</param>
/// <param name="MailFrom">Envelope sender, lower-cased.</param>
/// <param name="SenderAddresses">Every From and Sender address (all must be in the key's domain).</param>
/// <param name="Recipients">To, Cc and Bcc addresses, lower-cased, first occurrence kept.</param>
public sealed record RawSubmission(HeaderList Headers, byte[] HeaderBlock, ReadOnlyMemory<byte> BodyStart, Stream Rest, string MailFrom,
    IReadOnlyList<string> SenderAddresses, IReadOnlyList<string> Recipients)
{
    /// <summary>
    /// Writes the message as it must be stored, streaming the body from <see cref="Rest"/> (so call it once): the header
    /// block without Bcc and Resent-Bcc (RFC 5322 §3.6.3 lets the server drop Bcc, §3.6.6 has Resent-Bcc used alike; recipients stay in the envelope) and with Date and
    /// Message-ID appended when absent (RFC 6409 §8.2, §8.3), every other header byte untouched; then the body with bare
    /// LF made CRLF (RFC 5322 §2.1).
    /// </summary>
    public async Task WriteForStorageAsync(Stream destination, string messageId, DateTimeOffset date, CancellationToken cancellationToken)
    {
        var added = new List<string>();
        if (!Headers.Contains(HeaderId.Date)) added.Add("Date: " + DateUtils.FormatDate(date));
        if (!Headers.Contains(HeaderId.MessageId)) added.Add($"Message-ID: <{messageId}@{MailAddresses.DomainOf(MailFrom)}>");
        bool bcc = Headers.Contains(HeaderId.Bcc) || Headers.Contains(HeaderId.ResentBcc);
        byte[] block = bcc || added.Count > 0 ? HeaderBlockEdit.Rewrite(HeaderBlock, bcc, added) : HeaderBlock;
        await destination.WriteAsync(block, cancellationToken).ConfigureAwait(false);
        await LineEndings.CopyToCrLfAsync(BodyStart, Rest, destination, cancellationToken).ConfigureAwait(false);
    }
}
