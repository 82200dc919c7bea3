namespace CloudMail.Core.Messages;

/// <summary>What a delivery status notification returns of the original message (RFC 3461 §4.3, MAIL's RET).</summary>
public enum DsnReturn
{
    /// <summary>The whole message (RET=FULL).</summary>
    Full,

    /// <summary>Only its header (RET=HDRS).</summary>
    Headers,
}

/// <summary>When the sender wants a DSN for one recipient (RFC 3461 §4.1, RCPT's NOTIFY).</summary>
[Flags]
public enum DsnNotify
{
    /// <summary>NOTIFY absent: the server's default (failure, and delay at its discretion).</summary>
    Default = 0,

    /// <summary>NOTIFY=NEVER: no DSN at all.</summary>
    Never = 1,

    /// <summary>NOTIFY=SUCCESS.</summary>
    Success = 2,

    /// <summary>NOTIFY=FAILURE.</summary>
    Failure = 4,

    /// <summary>NOTIFY=DELAY.</summary>
    Delay = 8,
}

/// <summary>The DSN parameters of one RCPT (RFC 3461 §4.1, §4.2).</summary>
/// <param name="Recipient">The forward-path as in <see cref="Envelope.Recipients"/>.</param>
/// <param name="Notify">NOTIFY, or <see cref="DsnNotify.Default"/> when absent.</param>
/// <param name="OriginalRecipient">ORCPT as given (<c>addr-type;xtext</c> decoded to <c>rfc822;address</c>), or null.</param>
public sealed record RecipientDsn(string Recipient, DsnNotify Notify, string? OriginalRecipient);

/// <summary>The DSN parameters of one transaction (RFC 3461 §4).</summary>
/// <param name="Return">RET, or null when absent (the server then chooses; CloudMail returns headers only).</param>
/// <param name="EnvelopeId">ENVID decoded from xtext, or null.</param>
/// <param name="Recipients">Per-recipient NOTIFY and ORCPT, only for recipients that gave either.</param>
public sealed record EnvelopeDsn(DsnReturn? Return, string? EnvelopeId, IReadOnlyList<RecipientDsn> Recipients)
{
    /// <summary>The DSN parameters given for <paramref name="recipient"/>, or null (compared case-insensitively).</summary>
    public RecipientDsn? For(string recipient) =>
        Recipients.FirstOrDefault(r => string.Equals(r.Recipient, recipient, StringComparison.OrdinalIgnoreCase));
}
