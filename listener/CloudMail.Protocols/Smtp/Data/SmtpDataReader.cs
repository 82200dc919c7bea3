using System.Buffers;

namespace CloudMail.Protocols.Smtp.Data;

/// <summary>
/// Reads the mail data after "354" (RFC 5321 §4.1.1.4) incrementally, removes dot-stuffing (§4.5.2) and
/// finds the end of data. Writes the message content to an <see cref="IBufferWriter{T}"/> in runs, not byte
/// by byte; pass a null writer to skip content (after the size limit was hit) at the same speed.
/// <para>
/// End of data is ONLY <c>&lt;CRLF&gt;.&lt;CRLF&gt;</c> (the DATA command's own CRLF counts as the first one).
/// Lines, for end-of-data and dot-unstuffing, are delimited by CRLF only (§2.3.8: "&lt;CRLF&gt; ... is the only
/// line terminator"). So none of the SMTP smuggling sequences (CVE-2023-51764, -51765, -51766)
/// <c>&lt;LF&gt;.&lt;LF&gt;</c>, <c>&lt;CR&gt;.&lt;CR&gt;</c>, <c>&lt;LF&gt;.&lt;CRLF&gt;</c>, <c>&lt;CR&gt;.&lt;CRLF&gt;</c>,
/// <c>&lt;CRLF&gt;.&lt;LF&gt;</c>, <c>&lt;CRLF&gt;.&lt;CR&gt;</c> ends the data: what follows them is message text.
/// </para>
/// <para>
/// Decision on bare CR and bare LF inside the body (§2.3.8 says clients MUST NOT send them): they are
/// NORMALIZED to CRLF in the stored content, as Postfix 3.9's default <c>smtpd_forbid_bare_newline = normalize</c>
/// does, rather than rejected: rejecting loses mail from old but harmless clients, and normalizing is safe
/// because it happens after end-of-data detection and every later hop dot-stuffs the stored CRLF lines.
/// A normalized bare line break does not start a protocol line: a '.' after it is kept, never unstuffed.
/// </para>
/// </summary>
public sealed class SmtpDataReader
{
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private static readonly byte[] Lf = "\n"u8.ToArray();

    private enum State
    {
        /// <summary>Just after a CRLF (or at the start of data).</summary>
        LineStart,

        /// <summary>Saw '.' at line start; the dot is withheld.</summary>
        Dot,

        /// <summary>Saw ".\r" at line start; both withheld.</summary>
        DotCr,

        /// <summary>Inside a line.</summary>
        Text,

        /// <summary>Saw '\r' inside a line (already written); waiting to see whether LF follows.</summary>
        Cr,
    }

    private State _state = State.LineStart;

    /// <summary>True once the end-of-data line was seen.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>
    /// Consumes input from the start of <paramref name="input"/> and writes content to <paramref name="output"/>.
    /// Returns true when the end of data was found: <paramref name="input"/> then starts with the first byte
    /// after it (pipelined commands). Returns false when all of <paramref name="input"/> was consumed.
    /// </summary>
    public bool Read(ref ReadOnlySequence<byte> input, IBufferWriter<byte>? output)
    {
        if (IsComplete) return true;
        long consumedBefore = 0;
        foreach (var memory in input)
        {
            var span = memory.Span;
            int end = Scan(span, output);
            if (end >= 0)
            {
                IsComplete = true;
                input = input.Slice(consumedBefore + end);
                return true;
            }
            consumedBefore += span.Length;
        }
        input = input.Slice(input.End);
        return false;
    }

    /// <summary>Scans one span; returns the index just past the end-of-data marker, or -1.</summary>
    private int Scan(ReadOnlySpan<byte> span, IBufferWriter<byte>? output)
    {
        int i = 0;
        int run = 0; // start of bytes to copy verbatim
        while (i < span.Length)
        {
            byte b = span[i];
            switch (_state)
            {
                case State.Text:
                    int k = span[i..].IndexOfAny((byte)'\r', (byte)'\n');
                    if (k < 0)
                    {
                        i = span.Length;
                        break;
                    }
                    i += k;
                    if (span[i] == '\r')
                    {
                        i++;
                        _state = State.Cr;
                    }
                    else
                    {
                        // Bare LF: normalized to CRLF; not a line start.
                        Emit(output, span[run..i]);
                        Emit(output, CrLf);
                        run = ++i;
                    }
                    break;

                case State.Cr:
                    if (b == '\n')
                    {
                        i++;
                        _state = State.LineStart;
                    }
                    else
                    {
                        // Bare CR (already written): add the LF it lacks; reprocess b as text.
                        Emit(output, span[run..i]);
                        Emit(output, Lf);
                        run = i;
                        _state = State.Text;
                    }
                    break;

                case State.LineStart:
                    if (b == '.')
                    {
                        Emit(output, span[run..i]);
                        run = ++i;
                        _state = State.Dot;
                    }
                    else if (b == '\r')
                    {
                        i++;
                        _state = State.Cr;
                    }
                    else
                    {
                        _state = State.Text; // reprocess (a bare LF is handled there)
                    }
                    break;

                case State.Dot:
                    if (b == '\r')
                    {
                        run = ++i; // withhold the CR until we know whether LF follows
                        _state = State.DotCr;
                    }
                    else
                    {
                        // "." followed by more text: the dot was stuffing and is dropped (§4.5.2); reprocess b.
                        _state = State.Text;
                    }
                    break;

                case State.DotCr:
                    if (b == '\n')
                    {
                        Emit(output, span[run..i]);
                        _state = State.LineStart;
                        return i + 1;
                    }
                    // ".<CR>x": dot dropped as stuffing, the CR was bare and becomes CRLF; reprocess b.
                    Emit(output, CrLf);
                    run = i;
                    _state = State.Text;
                    break;
            }
        }
        Emit(output, span[run..]);
        return -1;
    }

    private static void Emit(IBufferWriter<byte>? output, ReadOnlySpan<byte> bytes)
    {
        if (output is not null && !bytes.IsEmpty) output.Write(bytes);
    }
}
