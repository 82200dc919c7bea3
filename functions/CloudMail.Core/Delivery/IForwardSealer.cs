namespace CloudMail.Core.Delivery;

/// <summary>
/// Seals mail this server forwards (alias forwards to remote addresses) with an ARC set (RFC 8617 §4.1): so that the
/// next receiver can see what this server's checks found although forwarding broke SPF (and perhaps DKIM).
/// </summary>
public interface IForwardSealer
{
    /// <summary>
    /// The ARC-Seal, ARC-Message-Signature and ARC-Authentication-Results fields (in that order, each ending in CRLF) to
    /// put in front of <paramref name="message"/> (the raw stored bytes, read from the start) when it is forwarded out of
    /// <paramref name="forwardingDomain"/>, or null when nothing is to be added (no key for that domain, no verdict of
    /// this server's checks in the message, or a chain that must not be extended). Reads <paramref name="message"/>,
    /// does not dispose it.
    /// </summary>
    Task<string?> SealAsync(Stream message, string forwardingDomain, CancellationToken cancellationToken);
}

/// <summary>The <see cref="IForwardSealer"/> of a server that does not seal (its inbound checks are off, or sealing is switched off).</summary>
public sealed class NoForwardSealer : IForwardSealer
{
    public static readonly NoForwardSealer Instance = new();

    private NoForwardSealer()
    {
    }

    /// <inheritdoc />
    public Task<string?> SealAsync(Stream message, string forwardingDomain, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
