using CloudMail.Core.Delivery;
using CloudMail.Core.Messages;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace CloudMail.Delivery;

/// <summary>
/// MailKit's SMTP client for one <see cref="OutboundEnvelope"/>: a refused RCPT is recorded for that recipient instead of
/// ending the transaction; the envelope's DSN parameters (RFC 3461: ENVID, RET, NOTIFY) go to a peer that offers
/// DSN (MailKit sends them only then; with NOTIFY it adds ORCPT as the recipient's own address, and MailKit 4.18 offers
/// no way to pass an original ORCPT on); and the message goes out as stored, with no header hidden, so the bytes the
/// DKIM signature covers (RFC 6376) arrive unchanged, except that a peer without 8BITMIME gets 8-bit bodies converted.
/// </summary>
internal sealed class EnvelopeSmtpClient : SmtpClient
{
    private OutboundEnvelope _envelope = null!;

    public EnvelopeSmtpClient(OutboundEnvelope envelope) => Envelope = envelope;

    /// <summary>
    /// The envelope of the next transaction. Set again for each message when a pooled connection carries several
    /// (<see cref="Sessions.SmtpSessionPool"/>); setting it forgets the previous transaction's refusals.
    /// </summary>
    public OutboundEnvelope Envelope
    {
        get => _envelope;
        set
        {
            _envelope = value;
            Refused.Clear();
            SenderAccepted = false;
            RequireTLS = value.RequireTls;
            DeliveryStatusNotificationType = value.Return switch
            {
                DsnReturn.Full => DeliveryStatusNotificationType.Full,
                DsnReturn.Headers => DeliveryStatusNotificationType.HeadersOnly,
                _ => DeliveryStatusNotificationType.Unspecified,
            };
        }
    }

    /// <summary>The socket under the connection, when the transport opened it itself (MX delivery); null otherwise.</summary>
    public System.Net.Sockets.Socket? Socket { get; set; }

    /// <summary>The peer accepted MAIL in this transaction: the connection was alive when the transaction began.</summary>
    public bool SenderAccepted { get; private set; }

    protected override void OnSenderAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) => SenderAccepted = true;

    /// <summary>Recipients the peer refused at RCPT, with its reply.</summary>
    public Dictionary<string, SmtpResponse> Refused { get; } = new(StringComparer.OrdinalIgnoreCase);

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Refused[mailbox.Address] = response;

    /// <summary>Every RCPT refused: nothing to send. Thrown so that no DATA follows; the refusals are in <see cref="Refused"/>.</summary>
    protected override void OnNoRecipientsAccepted(MimeMessage message) => throw new NoRecipientAcceptedException();

    /// <summary>
    /// Nothing to prepare for a peer that takes 8-bit bodies: re-encoding or dropping Bcc would change the signed bytes.
    /// MimeKit writes a parsed message's headers and parts back as they were read, so what leaves is what was stored (a
    /// final CRLF added when missing). For a peer without 8BITMIME (<paramref name="constraint"/> is 7-bit) the 8-bit
    /// bodies are converted (RFC 6152 §3, <see cref="SevenBitForm"/>); a message this server DKIM signs was signed in that
    /// form already, so only unsigned and forwarded mail changes here.
    /// </summary>
    protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
    {
        options.HiddenHeaders.Clear();
        if (constraint == EncodingConstraint.SevenBit) SevenBitForm.Apply(message);
    }

    protected override string? GetEnvelopeId(MimeMessage message) => _envelope.EnvelopeId;

    protected override MailKit.DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
    {
        var notify = _envelope.Recipients.FirstOrDefault(r => string.Equals(r.Address, mailbox.Address, StringComparison.OrdinalIgnoreCase))?.Notify
            ?? DsnNotify.Default;
        if (notify == DsnNotify.Default) return null;
        if (notify.HasFlag(DsnNotify.Never)) return MailKit.DeliveryStatusNotification.Never;
        MailKit.DeliveryStatusNotification result = 0;
        if (notify.HasFlag(DsnNotify.Success)) result |= MailKit.DeliveryStatusNotification.Success;
        if (notify.HasFlag(DsnNotify.Failure)) result |= MailKit.DeliveryStatusNotification.Failure;
        if (notify.HasFlag(DsnNotify.Delay)) result |= MailKit.DeliveryStatusNotification.Delay;
        return result;
    }
}

/// <summary>The peer refused every recipient of a transaction.</summary>
internal sealed class NoRecipientAcceptedException : Exception
{
    public NoRecipientAcceptedException()
        : base("the destination refused every recipient")
    {
    }

    public NoRecipientAcceptedException(string message)
        : base(message)
    {
    }

    public NoRecipientAcceptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
