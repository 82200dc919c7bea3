using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudMail.Listener.Network;

/// <summary>
/// One accepted TCP connection as a protocol session sees it: a <see cref="PipeReader"/> for input, a
/// buffered writer for output, and an in-place TLS upgrade. Owns the socket; disposing closes it.
/// </summary>
public sealed class ClientConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly X509Certificate2 _certificate;
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private Stream _stream;

    public ClientConnection(Socket socket, X509Certificate2 certificate, EndpointKind kind)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        _stream = _network;
        _certificate = certificate;
        Kind = kind;
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true, bufferSize: 16384));
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
    }

    /// <summary>Which listening endpoint accepted this connection (decides SMTP relay vs submission rules).</summary>
    public EndpointKind Kind { get; }

    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>Client IP as text (IPv4-mapped IPv6 shown as IPv4).</summary>
    public string RemoteAddress => (RemoteEndPoint.Address.IsIPv4MappedToIPv6 ? RemoteEndPoint.Address.MapToIPv4() : RemoteEndPoint.Address).ToString();

    /// <summary>Input bytes. Replaced by <see cref="UpgradeToTlsAsync"/>; always read it through this property.</summary>
    public PipeReader Input { get; private set; }

    /// <summary>True once TLS is established (implicit TLS port or after STARTTLS/STLS).</summary>
    public bool IsSecure { get; private set; }

    /// <summary>Negotiated TLS protocol and cipher for the Received header, or null before TLS.</summary>
    public string? TlsDescription { get; private set; }

    /// <summary>Buffers <paramref name="text"/> (ASCII/UTF-8) for the next <see cref="FlushAsync"/>.</summary>
    public void Write(string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var span = _output.GetSpan(max);
        int n = Encoding.UTF8.GetBytes(text, span);
        _output.Advance(n);
    }

    /// <summary>Buffers raw bytes for the next <see cref="FlushAsync"/>.</summary>
    public void Write(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

    /// <summary>Bytes buffered and not yet flushed (sessions flush before they block on input).</summary>
    public int PendingOutput => _output.WrittenCount;

    /// <summary>Sends everything buffered. Throws <see cref="IOException"/> when the peer is gone.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_output.WrittenCount == 0) return;
        await _stream.WriteAsync(_output.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _output.ResetWrittenCount();
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a line with CRLF and flushes.</summary>
    public async ValueTask WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        Write(line);
        Write("\r\n"u8);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the server side of a TLS handshake on this connection. Any input already buffered in plaintext
    /// is discarded, so commands pipelined behind STARTTLS/STLS are never executed after the handshake
    /// (CVE-2011-0411 class "STARTTLS command injection"). Throws <see cref="AuthenticationException"/> or
    /// <see cref="IOException"/> when the handshake fails; the connection is then unusable.
    /// </summary>
    public async Task UpgradeToTlsAsync(CancellationToken cancellationToken)
    {
        if (IsSecure) throw new InvalidOperationException("TLS is already active.");
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await Input.CompleteAsync().ConfigureAwait(false); // drops buffered plaintext
        var ssl = new SslStream(_network, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = _certificate,
            ClientCertificateRequired = false,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        }, cancellationToken).ConfigureAwait(false);
        _stream = ssl;
        IsSecure = true;
        TlsDescription = $"{ssl.SslProtocol} {ssl.NegotiatedCipherSuite}";
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true, bufferSize: 16384));
    }

    public async ValueTask DisposeAsync()
    {
        try { await Input.CompleteAsync().ConfigureAwait(false); } catch (InvalidOperationException) { }
        try
        {
            if (_stream != _network) await _stream.DisposeAsync().ConfigureAwait(false);
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
        await _network.DisposeAsync().ConfigureAwait(false);
    }
}
