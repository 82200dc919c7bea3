using System.Buffers;
using System.Security.Cryptography;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Filtering.Dkim;

/// <summary>
/// The SHA-256 body hash of a DKIM signature (RFC 6376 §3.7 <c>bh=</c>) with the platform's SHA-256 (OpenSSL) instead of
/// the BouncyCastle digest and filter chain MimeKit's verifier uses: the message body is written by MimeKit as its
/// verifier writes it (content only), and canonicalized (§3.4.3 simple, §3.4.4 relaxed) on its way into the hash. Gives
/// the same digest as MimeKit's verifier for every body it takes on (a property test holds them side by side); a body
/// with a bare CR (a CR not before LF, which SMTP's DATA never carries) it leaves to MimeKit, whose filters treat such a
/// CR differently at the end of a line and of the body. No length limit (<c>l=</c>): signatures with one are left to
/// MimeKit's verifier.
/// </summary>
public static class DkimBodyHash
{
    /// <summary>The body hash of <paramref name="message"/> under <paramref name="canonicalization"/>, or null for a body with a bare CR.</summary>
    public static byte[]? TryCompute(MimeMessage message, DkimCanonicalizationAlgorithm canonicalization)
    {
        ArgumentNullException.ThrowIfNull(message);
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var canonical = new CanonicalBodyStream(hash, canonicalization == DkimCanonicalizationAlgorithm.Relaxed);
        message.Body?.WriteTo(options, canonical, true, CancellationToken.None);
        canonical.Finish();
        return canonical.BareCr ? null : hash.GetHashAndReset();
    }

    /// <summary>
    /// A write-only stream that canonicalizes body lines into a hash as they are written. A line ends at CRLF or at a
    /// bare LF (as MimeKit's verifier reads it: its LF-to-CRLF filter comes first). Empty lines at the end are held
    /// back until more content follows, so that they drop out (§3.4.3, §3.4.4); relaxed also holds back a run of WSP,
    /// written as one SP when more of the line follows and dropped at the line's end. A CR not followed by LF is
    /// content, and noted (<see cref="BareCr"/>). <see cref="Finish"/> ends the body with one CRLF, except a relaxed body
    /// with no content, which stays empty (§3.4.4 adds a CRLF only to a non-empty body).
    /// </summary>
    private sealed class CanonicalBodyStream(IncrementalHash hash, bool relaxed) : Stream
    {
        private static readonly SearchValues<byte> SimpleSpecial = SearchValues.Create("\r\n"u8);
        private static readonly SearchValues<byte> RelaxedSpecial = SearchValues.Create("\r\n \t"u8);
        private readonly byte[] _out = new byte[4096];
        private int _used;
        private int _heldLineEnds;
        private bool _heldSpace, _heldCr, _content;

        /// <summary>A CR not followed by LF was written.</summary>
        public bool BareCr { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                if (_heldCr)
                {
                    _heldCr = false;
                    if (buffer[0] == (byte)'\n')
                    {
                        EndLine();
                        buffer = buffer[1..];
                        continue;
                    }
                    BareCr = true;
                    Content("\r"u8);
                }
                int run = RunLength(buffer);
                if (run > 0)
                {
                    Content(buffer[..run]);
                    buffer = buffer[run..];
                    continue;
                }
                switch (buffer[0])
                {
                    case (byte)'\r': _heldCr = true; break;
                    case (byte)'\n': EndLine(); break;
                    default: _heldSpace = true; break; // relaxed: SP or HTAB
                }
                buffer = buffer[1..];
            }
        }

        /// <summary>
        /// How many bytes from the start are content as they stand: up to the first CR or LF and, relaxed, the first WSP
        /// that is not a single SP between two content bytes (such an SP is its own canonical form).
        /// </summary>
        private int RunLength(ReadOnlySpan<byte> buffer)
        {
            if (!relaxed)
            {
                int end = buffer.IndexOfAny(SimpleSpecial);
                return end < 0 ? buffer.Length : end;
            }
            int i = 0;
            while (true)
            {
                int next = buffer[i..].IndexOfAny(RelaxedSpecial);
                if (next < 0) return buffer.Length;
                i += next;
                if (i == 0 || buffer[i] != (byte)' ' || i + 1 == buffer.Length || RelaxedSpecial.Contains(buffer[i + 1])) return i;
                i += 2;
            }
        }

        /// <summary>Ends the body: a CR still held is content (bare); then one CRLF unless the body is relaxed and empty.</summary>
        public void Finish()
        {
            if (_heldCr)
            {
                BareCr = true;
                Content("\r"u8);
            }
            if (_content || !relaxed) Emit("\r\n"u8);
            if (_used > 0) hash.AppendData(_out, 0, _used);
            _used = 0;
        }

        /// <summary>A line ended: WSP before its end is dropped (§3.4.4); the line ending waits for more content.</summary>
        private void EndLine()
        {
            _heldSpace = false;
            _heldLineEnds++;
        }

        private void Content(ReadOnlySpan<byte> bytes)
        {
            for (; _heldLineEnds > 0; _heldLineEnds--) Emit("\r\n"u8);
            if (_heldSpace)
            {
                Emit(" "u8);
                _heldSpace = false;
            }
            Emit(bytes);
            _content = true;
        }

        private void Emit(ReadOnlySpan<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                if (_used == _out.Length)
                {
                    hash.AppendData(_out, 0, _used);
                    _used = 0;
                }
                int n = Math.Min(bytes.Length, _out.Length - _used);
                bytes[..n].CopyTo(_out.AsSpan(_used));
                _used += n;
                bytes = bytes[n..];
            }
        }
    }
}
