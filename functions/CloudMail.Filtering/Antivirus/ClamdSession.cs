using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Filtering.Antivirus;

/// <summary>
/// One connection to clamd in session mode (clamd(8) <c>zIDSESSION</c>): several INSTREAM scans, one after another, on
/// one socket, each reply prefixed with the request's number (1, 2, ...). One scan at a time; not thread-safe (the
/// <see cref="ClamdClient"/> pool hands a session to one caller). After any failure the session's state is unknown and
/// it must be disposed, not reused.
/// </summary>
internal sealed class ClamdSession : IDisposable
{
    private const int ChunkSize = 64 * 1024;
    private const int MaxReplyLength = 4096;
    private static readonly byte[] StartSession = "zIDSESSION\0"u8.ToArray();
    private static readonly byte[] Instream = "zINSTREAM\0"u8.ToArray();

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private int _lastId;
    private bool _idle = true;

    private ClamdSession(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>When the last scan on this session finished (<see cref="Environment.TickCount64"/>).</summary>
    public long LastUsed { get; private set; } = Environment.TickCount64;

    /// <summary>Connects and starts the session. Socket failures surface as exceptions.</summary>
    public static async Task<ClamdSession> OpenAsync(ClamdEndpoint endpoint, CancellationToken cancellationToken)
    {
        var session = new ClamdSession(await endpoint.ConnectAsync(cancellationToken).ConfigureAwait(false));
        try
        {
            await session._stream.WriteAsync(StartSession, cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// False when clamd has ended the session (its IdleTimeout passed, it restarted, or it refused an earlier request):
    /// a socket clamd closed reads as readable with nothing to read. One non-blocking poll.
    /// </summary>
    public bool LooksOpen()
    {
        try
        {
            return !_socket.Poll(0, SelectMode.SelectRead) && !_socket.Poll(0, SelectMode.SelectError);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Streams <paramref name="content"/> with INSTREAM (4-byte big-endian length before each chunk, a zero length to end)
    /// and reads the NUL-terminated reply. The command, each chunk with its length and, after the last chunk, the zero
    /// length go out in as few writes as they fit: a message of at most one chunk is one write, which clamd reads at
    /// one wake-up. Socket failures, and clamd closing the connection before it replied, surface as
    /// <see cref="IOException"/> or <see cref="SocketException"/>.
    /// </summary>
    public async Task<ClamdVerdict> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        int id = ++_lastId;
        _idle = false;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Instream.Length + 4 + ChunkSize + 4);
        try
        {
            Instream.CopyTo(buffer, 0);
            int start = Instream.Length;
            while (true)
            {
                int filled = await FillAsync(content, buffer.AsMemory(start + 4, ChunkSize), cancellationToken).ConfigureAwait(false);
                int end = start;
                if (filled > 0)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(start), (uint)filled);
                    end += 4 + filled;
                }
                bool last = filled < ChunkSize;
                if (last)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(end), 0);
                    end += 4;
                }
                await _stream.WriteAsync(buffer.AsMemory(0, end), cancellationToken).ConfigureAwait(false);
                if (last) break;
                start = 0;
            }
            string reply = await ReadReplyAsync(buffer, cancellationToken).ConfigureAwait(false);
            LastUsed = Environment.TickCount64;
            _idle = true;
            return ClamdVerdict.ParseSessionReply(reply, id);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads until <paramref name="chunk"/> is full or the content ends; returns the bytes read.</summary>
    private static async Task<int> FillAsync(Stream content, Memory<byte> chunk, CancellationToken cancellationToken)
    {
        int filled = 0, read;
        while (filled < chunk.Length && (read = await content.ReadAsync(chunk[filled..], cancellationToken).ConfigureAwait(false)) > 0)
            filled += read;
        return filled;
    }

    /// <summary>The reply up to its NUL (at most <see cref="MaxReplyLength"/> bytes), read into <paramref name="buffer"/>.</summary>
    private async Task<string> ReadReplyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        int length = 0;
        while (length < MaxReplyLength)
        {
            int n = await _stream.ReadAsync(buffer.AsMemory(length, MaxReplyLength - length), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (length == 0) throw new IOException("clamd closed the connection without a reply");
                break;
            }
            int nul = Array.IndexOf(buffer, (byte)0, length, n);
            if (nul >= 0) return Encoding.ASCII.GetString(buffer, 0, nul);
            length += n;
        }
        return Encoding.ASCII.GetString(buffer, 0, length);
    }

    /// <summary>
    /// Closes the socket. A session between scans ends politely first (<c>zEND</c>, into an empty send buffer, so it never
    /// blocks); one that failed mid-scan is just closed, which clamd takes as the end of the session.
    /// </summary>
    public void Dispose()
    {
        try
        {
            if (_idle && _socket.Connected) _socket.Send("zEND\0"u8, SocketFlags.None, out _);
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
        _stream.Dispose();
    }
}
