namespace CloudMail.Core.Delivery;

/// <summary>
/// Signs outbound mail (DKIM, RFC 6376) with the key of the domain in its From header, when this server holds one.
/// </summary>
public interface IOutboundMessageSigner
{
    /// <summary>
    /// The header field(s) to put in front of <paramref name="message"/> (the raw stored bytes, read from the start):
    /// the complete <c>DKIM-Signature: ...</c> field(s) with their final CRLF, or null when the From domain has no
    /// active key (the message then goes out unsigned). Reads <paramref name="message"/>, does not dispose it.
    /// </summary>
    Task<string?> SignatureHeaderAsync(Stream message, CancellationToken cancellationToken);
}
