using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Net;

namespace CloudMail.Listener.Network;

/// <summary>
/// One accepted TCP connection as a protocol session sees it: a <see cref="PipeReader"/> for input, a
/// buffered writer for output, an in-place TLS upgrade and optional DEFLATE compression. Owns the socket; disposing closes it.
/// <para>
/// Output is bounded in time and space for every protocol: each <see cref="FlushAsync"/> must finish within
/// <see cref="WriteTimeout"/> or it throws <see cref="ClientWriteTimeoutException"/> (the session ends), and a
/// session flushes (<see cref="FlushIfFullAsync"/>) before it reads or runs more input once
/// <see cref="MaxPendingOutput"/> octets are buffered. So a client that pipelines commands and never reads
/// its replies is disconnected after the write timeout instead of holding the session or growing memory.
/// </para>
/// </summary>
public sealed class ClientConnection : IAsyncDisposable, IBufferWriter<byte>
{
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly SslStreamCertificateContext _certificate;
    private const int OutputBufferSize = 4096;

    /// <summary>Output not yet flushed; null between flushes, so an idle session (IMAP IDLE) holds no output buffer.</summary>
    private PooledBufferWriter? _output;
    private Stream _stream;
    private CompressedStream? _compression;

    /// <summary>Cancels a flush after <see cref="WriteTimeout"/>; reused while the caller's token stays the same.</summary>
    private CancellationTokenSource? _writeDeadline;
    private CancellationToken _writeDeadlineFor;

    /// <param name="writeTimeout">Longest time one flush may wait for the client to accept output.</param>
    /// <param name="maxPendingOutput">Buffered octets at which the session must flush before going on.</param>
    public ClientConnection(Socket socket, SslStreamCertificateContext certificate, EndpointKind kind, TimeSpan writeTimeout, int maxPendingOutput)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(writeTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPendingOutput, 1);
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        _stream = _network;
        _certificate = certificate;
        Kind = kind;
        WriteTimeout = writeTimeout;
        MaxPendingOutput = maxPendingOutput;
        Input = IdleFriendlyReader(_stream);
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint ?? new IPEndPoint(IPAddress.None, 0);
        PeerEndPoint = RemoteEndPoint;
        var local = (socket.LocalEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        LocalAddress = local.Unmapped();
    }

    /// <summary>The server's address the client connected to (an IPv4-mapped address as IPv4).</summary>
    public IPAddress LocalAddress { get; }

    /// <summary>Which listening endpoint accepted this connection (decides SMTP relay vs submission rules).</summary>
    public EndpointKind Kind { get; }

    /// <summary>The client: the socket's peer, or the client a trusted proxy named (<see cref="UseProxiedClient"/>).</summary>
    public IPEndPoint RemoteEndPoint { get; private set; }

    /// <summary>The socket's peer, which is the proxy when the connection came through one.</summary>
    public IPEndPoint PeerEndPoint { get; }

    /// <summary>Takes <paramref name="client"/> as the client of this connection, from a trusted proxy's PROXY header.</summary>
    public void UseProxiedClient(IPEndPoint client) => RemoteEndPoint = client;

    /// <summary>Client IP as text (IPv4-mapped IPv6 shown as IPv4).</summary>
    public string RemoteAddress => RemoteEndPoint.Address.Unmapped().ToString();

    /// <summary>Input bytes. Replaced by <see cref="UpgradeToTlsAsync"/>; always read it through this property.</summary>
    public PipeReader Input { get; private set; }

    /// <summary>True once TLS is established (implicit TLS port or after STARTTLS/STLS).</summary>
    public bool IsSecure { get; private set; }

    /// <summary>True once <see cref="StartCompression"/> turned on DEFLATE (IMAP COMPRESS).</summary>
    public bool IsCompressed => _compression is not null;

    /// <summary>Linux: IPPROTO_TCP and TCP_QUICKACK (linux/tcp.h), which .NET's SocketOptionName does not name.</summary>
    private const int LinuxIpProtoTcp = 6, LinuxTcpQuickAck = 12;

    /// <summary>
    /// Sends the TCP acknowledgement of the input received so far at once instead of after the kernel's delayed-ACK timer
    /// (Linux TCP_QUICKACK; elsewhere nothing). A client that wrote the first part of a request and, under Nagle's
    /// algorithm, holds the rest until that part is acknowledged (Python's imaplib writes an IMAP literal and the CRLF
    /// after it separately) would otherwise wait 40 ms per request. Costs one system call; call it only where a request
    /// is known to be incomplete.
    /// </summary>
    public void AcknowledgeNow()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _socket.SetRawSocketOption(LinuxIpProtoTcp, LinuxTcpQuickAck, [1, 0, 0, 0]);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The connection is closing; the read that follows reports it.
        }
    }

    /// <summary>Negotiated TLS protocol and cipher for the Received header, or null before TLS.</summary>
    public string? TlsDescription { get; private set; }

    /// <summary>Buffers <paramref name="text"/> (ASCII/UTF-8) for the next <see cref="FlushAsync"/>.</summary>
    public void Write(string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var output = Output;
        var span = output.GetSpan(max);
        int n = Encoding.UTF8.GetBytes(text, span);
        output.Advance(n);
    }

    /// <summary>Buffers raw bytes for the next <see cref="FlushAsync"/>.</summary>
    public void Write(ReadOnlySpan<byte> bytes) => ((IBufferWriter<byte>)Output).Write(bytes);

    /// <summary>Output for the next <see cref="FlushAsync"/>, composed in place (<see cref="IBufferWriter{T}"/>).</summary>
    public Span<byte> GetSpan(int sizeHint = 0) => Output.GetSpan(sizeHint);

    /// <inheritdoc cref="GetSpan"/>
    public Memory<byte> GetMemory(int sizeHint = 0) => Output.GetMemory(sizeHint);

    public void Advance(int count) => Output.Advance(count);

    private PooledBufferWriter Output => _output ??= new(OutputBufferSize);

    /// <summary>Bytes buffered and not yet flushed (sessions flush before they block on input).</summary>
    public int PendingOutput => _output?.WrittenCount ?? 0;

    /// <summary>Longest time one <see cref="FlushAsync"/> may take (CloudMail:WriteTimeout).</summary>
    public TimeSpan WriteTimeout { get; }

    /// <summary>Buffered octets at which a session must flush before it reads or runs more input (CloudMail:MaxPendingOutput).</summary>
    public int MaxPendingOutput { get; }

    /// <summary>
    /// Sends everything buffered. Throws <see cref="ClientWriteTimeoutException"/> (an <see cref="IOException"/>)
    /// when the client has not accepted it within <see cref="WriteTimeout"/>, <see cref="IOException"/> when
    /// the peer is gone, and <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_output is not { WrittenCount: > 0 } pending) return;
        var deadline = StartWriteDeadline(cancellationToken);
        try
        {
            Stream output = (Stream?)_compression ?? _stream;
            await output.WriteAsync(pending.WrittenMemory, deadline.Token).ConfigureAwait(false);
            // Sent: return the buffer rather than keep it for the session's life (most sessions wait far longer than they
            // talk; 10,000 idling IMAP clients would hold 40 MiB of empty buffers). The next Write rents afresh.
            _output = null;
            pending.Dispose();
            await output.FlushAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClientWriteTimeoutException(WriteTimeout);
        }
        deadline.CancelAfter(Timeout.InfiniteTimeSpan);
    }

    /// <summary>Flushes when at least <see cref="MaxPendingOutput"/> octets are buffered; sessions call it between commands and chunks.</summary>
    public ValueTask FlushIfFullAsync(CancellationToken cancellationToken) =>
        PendingOutput >= MaxPendingOutput ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    /// <summary>
    /// The write deadline, armed for <see cref="WriteTimeout"/>. One linked source is kept per caller token
    /// (sessions pass the same token for every flush); a source whose timer fired is replaced.
    /// </summary>
    private CancellationTokenSource StartWriteDeadline(CancellationToken cancellationToken)
    {
        if (_writeDeadline is null || _writeDeadline.IsCancellationRequested || _writeDeadlineFor != cancellationToken)
        {
            _writeDeadline?.Dispose();
            _writeDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _writeDeadlineFor = cancellationToken;
        }
        _writeDeadline.CancelAfter(WriteTimeout);
        return _writeDeadline;
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
    /// <summary>
    /// <see cref="UpgradeToTlsAsync"/> for STARTTLS/STLS, bounded by <paramref name="handshakeTimeout"/>. A
    /// handshake that fails or times out is the client's problem, not a server error: returns the failure's
    /// name (for a debug log) and the session must close without another word, since the channel is neither
    /// plaintext nor TLS any more. Returns null on success. Throws <see cref="OperationCanceledException"/>
    /// only when <paramref name="cancellationToken"/> (shutdown) fires.
    /// </summary>
    public async Task<string?> TryUpgradeToTlsAsync(TimeSpan handshakeTimeout, CancellationToken cancellationToken)
    {
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        handshake.CancelAfter(handshakeTimeout);
        try
        {
            await UpgradeToTlsAsync(handshake.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException
            || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e.GetType().Name;
        }
    }

    public async Task UpgradeToTlsAsync(CancellationToken cancellationToken)
    {
        if (IsSecure) throw new InvalidOperationException("TLS is already active.");
        if (IsCompressed) throw new InvalidOperationException("TLS cannot start inside compression.");
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await Input.CompleteAsync().ConfigureAwait(false); // drops buffered plaintext
        var ssl = new SslStream(_network, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = _certificate,
                ClientCertificateRequired = false,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        TlsIdleBuffers.TryRelease(ssl);
        _stream = ssl;
        IsSecure = true;
        // Named as OpenSSL and the other MTAs' Received fields name them ("TLSv1.3"), with the IANA name of the suite.
        string version = ssl.SslProtocol switch { SslProtocols.Tls13 => "TLSv1.3", SslProtocols.Tls12 => "TLSv1.2", var other => other.ToString() };
        TlsDescription = $"{version} {ssl.NegotiatedCipherSuite}";
        Input = IdleFriendlyReader(_stream);
    }

    /// <summary>
    /// A reader that waits for input with a zero-byte read and rents its 16 KiB buffer only once bytes are there, so an
    /// idle session (IMAP IDLE, a client between commands) holds no read buffer (SslStream also frees its own while
    /// empty).
    /// </summary>
    private static PipeReader IdleFriendlyReader(Stream stream) =>
        PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16384, leaveOpen: true, useZeroByteReads: true));

    /// <summary>
    /// Turns on raw DEFLATE both ways (<see cref="CompressedStream"/>) from the next byte on: the caller has flushed its
    /// last uncompressed response. Input the client sent after the command that asked for it, already buffered, is
    /// inflated too (RFC 4978 §3: the client compresses starting with the first command after COMPRESS). Every later
    /// <see cref="FlushAsync"/> ends with a sync flush, still bounded by <see cref="WriteTimeout"/>.
    /// </summary>
    public void StartCompression()
    {
        if (IsCompressed) throw new InvalidOperationException("Compression is already active.");
        if (PendingOutput > 0) throw new InvalidOperationException("Uncompressed output is still buffered.");
        _compression = new CompressedStream(Input.AsStream(leaveOpen: true), _stream);
        Input = PipeReader.Create(_compression, new StreamPipeReaderOptions(leaveOpen: true, bufferSize: 16384));
    }

    public async ValueTask DisposeAsync()
    {
        _writeDeadline?.Dispose();
        try { await Input.CompleteAsync().ConfigureAwait(false); } catch (InvalidOperationException) { }
        try
        {
            if (_stream != _network) await _stream.DisposeAsync().ConfigureAwait(false);
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
        await _network.DisposeAsync().ConfigureAwait(false);
        // Last, so that the deflater's final block goes nowhere instead of blocking on a client that does not read.
        try { _compression?.Dispose(); } catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
    }
}
