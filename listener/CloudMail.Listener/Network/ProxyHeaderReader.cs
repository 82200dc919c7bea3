using CloudMail.Protocols.Proxy;

namespace CloudMail.Listener.Network;

/// <summary>Reads the PROXY protocol header at the start of a connection, leaving everything after it unread.</summary>
public static class ProxyHeaderReader
{
    /// <summary>
    /// The header (consumed from <paramref name="connection"/>'s input), or <see cref="ProxyHeaderResult.Invalid"/> when
    /// the bytes are not one or the connection ended first. Cancellation (the header timeout) propagates.
    /// </summary>
    public static async Task<ProxyHeaderResult> ReadAsync(ClientConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await connection.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            var result = ProxyHeaderParser.Parse(buffer);
            switch (result)
            {
                case ProxyHeaderResult.Header header:
                    connection.Input.AdvanceTo(buffer.GetPosition(header.Length));
                    return header;
                case ProxyHeaderResult.Invalid:
                    connection.Input.AdvanceTo(buffer.Start);
                    return result;
                default:
                    connection.Input.AdvanceTo(buffer.Start, buffer.End);
                    if (read.IsCompleted) return new ProxyHeaderResult.Invalid("connection closed before the PROXY header ended");
                    break;
            }
        }
    }
}
