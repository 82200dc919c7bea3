using System.Globalization;
using System.Text;
using CloudMail.Core.Messages;
using MimeKit;
using MimeKit.Utils;

namespace CloudMail.Core.Delivery;

/// <summary>
/// Builds a delivery status notification as RFC 3464 says (with MimeKit): a <c>multipart/report;
/// report-type=delivery-status</c> (RFC 6522) of a human-readable text part, a <c>message/delivery-status</c> part (one
/// per-message field group, then one group per recipient) and the original's header (<c>text/rfc822-headers</c>) or,
/// with RET=FULL (RFC 3461 §4.3), the whole original (<c>message/rfc822</c>) unless it is larger than the cap the caller
/// gives (<see cref="DeliveryOptions.DsnReturnFullMaxBytes"/>), when the header alone goes back and the text says why. From MAILER-DAEMON at the reporting MTA,
/// to the original reverse-path, marked <c>Auto-Submitted: auto-replied</c> (RFC 3834 §5). For SMTPUTF8 mail with UTF-8
/// in its header fields or reported addresses, the international form of RFC 6533: <c>message/global-delivery-status</c>,
/// <c>message/global-headers</c>, <c>message/global</c>.
/// </summary>
public static class BounceComposer
{
    /// <summary>Local part of the notifications' From address.</summary>
    public const string MailerDaemon = "MAILER-DAEMON";

    /// <summary>
    /// The notification <paramref name="dsn"/> with id <paramref name="notificationId"/>, reported by
    /// <paramref name="reportingMta"/> at <paramref name="now"/>; <paramref name="original"/> is the original message read
    /// from its start (read, not disposed). With RET=FULL the original is returned whole only when its size
    /// (<see cref="DeliveryStatusNotification.Original"/>) is at most <paramref name="returnFullMaxBytes"/>.
    /// </summary>
    public static MimeMessage Compose(DeliveryStatusNotification dsn, string notificationId, string reportingMta, DateTimeOffset now, Stream original,
        long returnFullMaxBytes = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(dsn);
        ArgumentNullException.ThrowIfNull(original);
        bool wantsFull = dsn.Envelope.Dsn?.Return == DsnReturn.Full;
        // RFC 3461 §4.3 says SHOULD: above the cap the header alone is returned (deliberate leniency, stated in the text).
        bool full = wantsFull && dsn.Original.Size <= returnFullMaxBytes;
        MimeMessage? whole = full ? MimeMessage.Load(original) : null;
        HeaderList headers = whole?.Headers ?? HeaderList.Load(original);
        bool global = IsGlobal(dsn, headers);

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", $"{MailerDaemon}@{reportingMta}"));
        message.To.Add(MailboxAddress.TryParse(dsn.Envelope.MailFrom, out MailboxAddress? to) ? to : new MailboxAddress("", dsn.Envelope.MailFrom));
        message.Subject = Subject(dsn.Kind);
        message.Date = now;
        message.MessageId = $"{notificationId}@{reportingMta}";
        message.Headers.Add("Auto-Submitted", "auto-replied");
        if (headers[HeaderId.MessageId] is { Length: > 0 } originalId)
        {
            message.InReplyTo = originalId.Trim();
            message.References.Add(originalId.Trim());
        }

        var report = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = HumanText(dsn, reportingMta) + (wantsFull && !full ? TooLargeText(dsn.Original.Size) : "") },
            StatusPart(dsn, reportingMta, global),
        };
        report.Add(whole is not null ? new MessagePart(global ? "global" : "rfc822") { Message = whole } : HeadersPart(headers, global));
        message.Body = report;
        return message;
    }

    /// <summary>The subject line of each kind.</summary>
    public static string Subject(DsnKind kind) => kind switch
    {
        DsnKind.Failed => "Undelivered Mail Returned to Sender",
        DsnKind.Delayed => "Delayed Mail (still being retried)",
        _ => "Successful Mail Delivery Report",
    };

    /// <summary>
    /// Whether the notification takes RFC 6533's international form: the original came with SMTPUTF8 and its header
    /// fields, its envelope sender or a reported recipient hold UTF-8 (which the classic types cannot carry).
    /// </summary>
    private static bool IsGlobal(DeliveryStatusNotification dsn, HeaderList headers) =>
        dsn.Envelope.SmtpUtf8
        && (headers.Any(h => !Ascii.IsValid(h.RawValue)) || !Ascii.IsValid(dsn.Envelope.MailFrom)
            || dsn.Recipients.Any(r => !Ascii.IsValid(r.Recipient) || !Ascii.IsValid(r.OriginalRecipient ?? "")));

    /// <summary>
    /// RFC 3464 §2.2 per-message fields and §2.3 per-recipient fields; in the international form (RFC 6533 §4, §6.4)
    /// <c>message/global-delivery-status</c>, whose fields are UTF-8 as they are and whose non-ASCII addresses have the
    /// address type <c>utf-8</c> (RFC 6533 §3).
    /// </summary>
    private static MessageDeliveryStatus StatusPart(DeliveryStatusNotification dsn, string reportingMta, bool global)
    {
        var part = new MessageDeliveryStatus();
        if (global) part.ContentType.MediaSubtype = "global-delivery-status";
        var perMessage = new HeaderList { { "Reporting-MTA", "dns; " + reportingMta } };
        if (dsn.Envelope.Dsn?.EnvelopeId is { Length: > 0 } envid) perMessage.Add("Original-Envelope-Id", envid);
        perMessage.Add("Arrival-Date", DateUtils.FormatDate(dsn.Envelope.ReceivedAt));
        part.StatusGroups.Add(perMessage);
        foreach (DsnRecipient r in dsn.Recipients)
        {
            var group = new HeaderList();
            if (r.OriginalRecipient is { Length: > 0 } orcpt) AddField(group, "Original-Recipient", AddressField(orcpt), global);
            AddField(group, "Final-Recipient", (global && !Ascii.IsValid(r.Recipient) ? "utf-8; " : "rfc822; ") + r.Recipient, global);
            group.Add("Action", dsn.Action);
            group.Add("Status", ReplyStatus.Of(r.Reply, DefaultStatus(dsn.Kind)));
            if (RemoteName(r.RemoteHost) is { } remote) group.Add("Remote-MTA", "dns; " + remote);
            if (r.Reply.Length > 0) AddField(group, "Diagnostic-Code", "smtp; " + r.Reply, global);
            group.Add("Last-Attempt-Date", DateUtils.FormatDate(r.LastAttempt));
            part.StatusGroups.Add(group);
        }
        return part;
    }

    /// <summary>Adds a field whose value is kept as written: UTF-8 as it is in the international form, encoded otherwise.</summary>
    private static void AddField(HeaderList group, string field, string value, bool utf8)
    {
        if (!utf8 || Ascii.IsValid(value))
        {
            group.Add(field, value);
            return;
        }
        var header = new Header(field, "");
        header.SetRawValue(Encoding.UTF8.GetBytes(" " + value + "\r\n"));
        group.Add(header);
    }

    /// <summary>
    /// The original's header block as <c>text/rfc822-headers</c> (RFC 6522 §4), or <c>message/global-headers</c> in the
    /// international form (RFC 6533 §6.3).
    /// </summary>
    private static MimePart HeadersPart(HeaderList headers, bool global)
    {
        var bytes = new MemoryStream();
        headers.WriteTo(bytes);
        bytes.Position = 0;
        bool eightBit = bytes.GetBuffer().AsSpan(0, (int)bytes.Length).IndexOfAnyInRange((byte)0x80, (byte)0xff) >= 0;
        return new MimePart(global ? "message" : "text", global ? "global-headers" : "rfc822-headers")
        {
            Content = new MimeContent(bytes),
            ContentTransferEncoding = eightBit ? ContentEncoding.EightBit : ContentEncoding.SevenBit,
        };
    }

    private static string HumanText(DeliveryStatusNotification dsn, string reportingMta)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"This is the mail system at {reportingMta}.\r\n\r\n");
        text.Append(dsn.Kind switch
        {
            DsnKind.Failed => "Your message could not be delivered to one or more recipients. It is attached below.\r\n",
            DsnKind.Delayed => "Your message has not been delivered yet to one or more recipients. It is still being retried; you do not need to send it again.\r\n",
            DsnKind.Delivered => "Your message was delivered to the mailbox of these recipients.\r\n",
            _ => "Your message was handed over to the receiving server for these recipients.\r\n",
        });
        text.Append("\r\n");
        foreach (DsnRecipient r in dsn.Recipients)
            text.Append(CultureInfo.InvariantCulture, $"<{r.Recipient}>: {(r.RemoteHost is null ? "" : r.RemoteHost + " said: ")}{r.Reply}\r\n");
        return text.ToString();
    }

    private static string TooLargeText(long size) => string.Create(CultureInfo.InvariantCulture,
        $"\r\nThe message is {size} bytes, too large to be returned whole; only its header is attached.\r\n");

    private static string DefaultStatus(DsnKind kind) => kind switch
    {
        DsnKind.Failed => "5.0.0",
        DsnKind.Delayed => "4.0.0",
        _ => "2.0.0",
    };

    /// <summary><c>rfc822;a@b</c> → <c>rfc822; a@b</c> (address-type ";" generic-address, RFC 3464 §2.3.1).</summary>
    private static string AddressField(string value)
    {
        int semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return semicolon < 0 ? "rfc822; " + value.Trim() : value[..semicolon].Trim() + "; " + value[(semicolon + 1)..].Trim();
    }

    /// <summary><c>mx.example.com [192.0.2.1]</c> → <c>mx.example.com</c>; null or empty → null.</summary>
    private static string? RemoteName(string? remoteHost)
    {
        if (string.IsNullOrWhiteSpace(remoteHost)) return null;
        string name = remoteHost.Trim();
        int space = name.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? name : name[..space];
    }
}
