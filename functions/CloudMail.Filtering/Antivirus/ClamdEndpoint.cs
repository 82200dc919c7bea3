using System.Globalization;
using System.Net.Sockets;

namespace CloudMail.Filtering.Antivirus;

/// <summary>A clamd socket address from configuration: <c>tcp://host:port</c> or <c>unix:/path</c>. Parsing never throws.</summary>
public sealed record ClamdEndpoint(string? Host, int Port, string? UnixPath)
{
    public static ClamdEndpoint? TryParse(string text)
    {
        if (text.StartsWith("unix:", StringComparison.Ordinal))
            return text.Length > 5 && text[5] == '/' ? new ClamdEndpoint(null, 0, text[5..]) : null;
        if (!text.StartsWith("tcp://", StringComparison.Ordinal)) return null;
        string rest = text[6..].TrimEnd('/');
        int colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            return null;
        string host = rest[..colon].Trim('[', ']');
        return host.Length == 0 ? null : new ClamdEndpoint(host, port, null);
    }

    /// <summary>A connected socket to clamd.</summary>
    public async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        if (UnixPath is not null)
        {
            var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await unix.ConnectAsync(new UnixDomainSocketEndPoint(UnixPath), cancellationToken).ConfigureAwait(false);
                return unix;
            }
            catch
            {
                unix.Dispose();
                throw;
            }
        }
        var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(Host!, Port, cancellationToken).ConfigureAwait(false);
            return tcp;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public override string ToString() => UnixPath is not null ? "unix:" + UnixPath : $"tcp://{Host}:{Port}";
}
