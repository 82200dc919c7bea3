using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Tests.Imap;

/// <summary>
/// Plays the session's part against an <see cref="ImapCommandReader"/>: feeds chunks (as multi-segment
/// sequences when bytes are left over), answers continuations, streams APPEND literals, and records every
/// result as a deep, canonical text dump so that different splits can be compared.
/// </summary>
internal sealed class ReaderHarness(ImapReaderLimits? limits = null)
{
    private readonly ImapCommandReader _reader = new(limits ?? new ImapReaderLimits(4096, 1_000_000));
    private byte[] _left = [];
    private long _streamRemaining;
    private long _streamSize;
    private readonly List<byte> _streamed = [];

    public List<string> Events { get; } = [];

    public List<ImapReadResult> Results { get; } = [];

    public static List<string> FeedWhole(string input, ImapReaderLimits? limits = null) =>
        Feed([Encoding.UTF8.GetBytes(input)], limits);

    /// <summary>The results of reading <paramref name="input"/> in one chunk.</summary>
    public static List<ImapReadResult> ReadWhole(string input)
    {
        var h = new ReaderHarness();
        h.Push(Encoding.UTF8.GetBytes(input));
        return h.Results;
    }

    public static List<string> Feed(IEnumerable<byte[]> chunks, ImapReaderLimits? limits = null)
    {
        var h = new ReaderHarness(limits);
        foreach (var c in chunks) h.Push(c);
        return h.Events;
    }

    public void Push(byte[] chunk)
    {
        var first = new Segment(_left);
        var last = first.Append(chunk);
        var input = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        while (true)
        {
            if (_streamRemaining > 0)
            {
                long take = Math.Min(_streamRemaining, input.Length);
                _streamed.AddRange(input.Slice(0, take).ToArray());
                input = input.Slice(take);
                _streamRemaining -= take;
                if (_streamRemaining > 0) break;
                Events.Add("streamed:" + Encoding.UTF8.GetString([.. _streamed]));
                _reader.LiteralStreamed(_streamSize);
            }
            var result = _reader.Read(ref input);
            if (result is ImapNeedMoreData)
            {
                Assert.True(input.IsEmpty, "NeedMoreData must consume all input");
                break;
            }
            Results.Add(result);
            Events.Add(Dump.Of(result));
            if (result is ImapAppendLiteralStarting append)
            {
                _streamed.Clear();
                _streamSize = append.Size;
                _streamRemaining = append.Size;
                if (append.Size == 0)
                {
                    Events.Add("streamed:");
                    _reader.LiteralStreamed(0);
                }
            }
        }
        _left = input.ToArray();
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}

/// <summary>Canonical deep text of a parse result: type names, public properties, list items, recursively.</summary>
internal static class Dump
{
    public static string Of(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, int depth)
    {
        if (depth > 64) throw new InvalidOperationException("too deep");
        switch (value)
        {
            case null: sb.Append("null"); return;
            case string s: sb.Append('"').Append(s).Append('"'); return;
            case bool or Enum or char: sb.Append(value); return;
            case IFormattable f when value.GetType().IsPrimitive || value is DateTimeOffset or DateOnly:
                sb.Append(f.ToString(null, CultureInfo.InvariantCulture)); return;
            case IEnumerable e:
                sb.Append('[');
                foreach (var item in e) { Write(sb, item, depth + 1); sb.Append(','); }
                sb.Append(']');
                return;
        }
        var type = value.GetType();
        sb.Append(type.Name).Append('{');
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "EqualityContract") continue;
            sb.Append(p.Name).Append('=');
            Write(sb, p.GetValue(value), depth + 1);
            sb.Append(';');
        }
        sb.Append('}');
    }
}
