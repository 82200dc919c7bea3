using CloudMail.Core.Blobs;
using CloudMail.Core.Messages;

namespace CloudMail.Core.Delivery;

/// <summary>What a delivery status notification reports (RFC 3464 §2.3.3 Action).</summary>
public enum DsnKind
{
    /// <summary>Action "failed": permanent failure, or retries ran past <see cref="DeliveryOptions.Expiry"/>.</summary>
    Failed,

    /// <summary>Action "delayed": still being retried after <see cref="DeliveryOptions.DelayNoticeAfter"/>.</summary>
    Delayed,

    /// <summary>
    /// Action "relayed": handed to a remote server that does not offer DSN (RFC 3461 §4.2: one that does is told NOTIFY
    /// and reports the delivery itself), for recipients with NOTIFY=SUCCESS.
    /// </summary>
    Relayed,

    /// <summary>Action "delivered": put into the recipient's mailbox here (final delivery), for recipients with NOTIFY=SUCCESS.</summary>
    Delivered,
}

/// <summary>One recipient's part of a DSN (RFC 3464 §2.3).</summary>
/// <param name="Recipient">Final-Recipient (the address this server delivered to).</param>
/// <param name="OriginalRecipient">ORCPT as given at RCPT (<c>rfc822;address</c>), or null.</param>
/// <param name="Reply">The last SMTP reply (remote or composed), for Status and Diagnostic-Code.</param>
/// <param name="RemoteHost">The host that gave <paramref name="Reply"/> (<c>name [address]</c>), or null.</param>
/// <param name="LastAttempt">When the last attempt ended.</param>
public sealed record DsnRecipient(string Recipient, string? OriginalRecipient, string Reply, string? RemoteHost, DateTimeOffset LastAttempt);

/// <summary>
/// One notification to the sender of message <paramref name="MessageId"/>: the recipients it reports, all with the same
/// <paramref name="Kind"/>. <paramref name="Attempt"/> makes its id unique among the notifications of one kind (the
/// outbound try that produced it; 0 for the one delay notice), so a job run twice produces the same notification id.
/// <paramref name="Original"/> is the original message's blob: a DSN returns its header, or all of it with RET=FULL.
/// </summary>
public sealed record DeliveryStatusNotification(
    DsnKind Kind,
    string MessageId,
    BlobRef Original,
    Envelope Envelope,
    IReadOnlyList<DsnRecipient> Recipients,
    int Attempt)
{
    /// <summary>The action word of every recipient (RFC 3464 §2.3.3).</summary>
    public string Action => Kind switch
    {
        DsnKind.Failed => "failed",
        DsnKind.Delayed => "delayed",
        DsnKind.Delivered => "delivered",
        _ => "relayed",
    };
}
