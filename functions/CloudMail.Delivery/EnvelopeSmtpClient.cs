using CloudMail.Core.Delivery;
using CloudMail.Core.Messages;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace CloudMail.Delivery;

/// <summary>
/// MailKit's SMTP client for one <see cref="OutboundEnvelope"/>: a refused RCPT is recorded for that recipient instead of
/// ending the transaction, and the envelope's DSN parameters (RFC 3461: ENVID, NOTIFY, RET) go to a peer that offers
/// DSN (MailKit sends them only then).
/// </summary>
internal sealed class EnvelopeSmtpClient : SmtpClient
{
    private readonly OutboundEnvelope _envelope;

    public EnvelopeSmtpClient(OutboundEnvelope envelope)
    {
        _envelope = envelope;
        DeliveryStatusNotificationType = envelope.Return switch
        {
            DsnReturn.Full => DeliveryStatusNotificationType.Full,
            DsnReturn.Headers => DeliveryStatusNotificationType.HeadersOnly,
            _ => DeliveryStatusNotificationType.Unspecified,
        };
    }

    /// <summary>Recipients the peer refused at RCPT, with its reply.</summary>
    public Dictionary<string, SmtpResponse> Refused { get; } = new(StringComparer.OrdinalIgnoreCase);

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Refused[mailbox.Address] = response;

    /// <summary>Every RCPT refused: nothing to send. Thrown so that no DATA follows; the refusals are in <see cref="Refused"/>.</summary>
    protected override void OnNoRecipientsAccepted(MimeMessage message) => throw new NoRecipientAcceptedException();

    protected override string? GetEnvelopeId(MimeMessage message) => _envelope.EnvelopeId;

    protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
    {
        var notify = _envelope.Recipients.FirstOrDefault(r => string.Equals(r.Address, mailbox.Address, StringComparison.OrdinalIgnoreCase))?.Notify
            ?? DsnNotify.Default;
        if (notify == DsnNotify.Default) return null;
        if (notify.HasFlag(DsnNotify.Never)) return DeliveryStatusNotification.Never;
        DeliveryStatusNotification result = 0;
        if (notify.HasFlag(DsnNotify.Success)) result |= DeliveryStatusNotification.Success;
        if (notify.HasFlag(DsnNotify.Failure)) result |= DeliveryStatusNotification.Failure;
        if (notify.HasFlag(DsnNotify.Delay)) result |= DeliveryStatusNotification.Delay;
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
