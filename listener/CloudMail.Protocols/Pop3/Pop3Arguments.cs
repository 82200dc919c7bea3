using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Protocols.Pop3;

/// <summary>
/// Argument grammar shared by the commands (RFC 1939 §3, RFC 2449 §9): parameters are separated by a
/// single SP, and message numbers and line counts are decimal. One method per rule.
/// </summary>
internal static class Pop3Arguments
{
    /// <summary>Splits <c>param *(SP param)</c>; false for empty params (double spaces) or more than <paramref name="tokens"/> holds.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> arguments, Span<Range> tokens, out int count)
    {
        count = 0;
        if (arguments.IsEmpty) return true;
        int start = 0;
        while (true)
        {
            int space = arguments[start..].IndexOf((byte)' ');
            int end = space < 0 ? arguments.Length : start + space;
            if (end == start || count == tokens.Length) return false;
            tokens[count++] = new Range(start, end);
            if (space < 0) return true;
            start = end + 1;
        }
    }

    /// <summary>
    /// <c>number = 1*DIGIT</c> (RFC 1939 §5 "msg", §7 "n"). Values past <see cref="int.MaxValue"/> saturate:
    /// such a message number simply does not exist. Null when not all digits.
    /// </summary>
    public static int? Number(ReadOnlySpan<byte> digits)
    {
        if (digits.IsEmpty) return null;
        long value = 0;
        foreach (byte b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9') return null;
            value = Math.Min(value * 10 + (b - '0'), int.MaxValue);
        }
        return (int)value;
    }

    /// <summary>A command without arguments.</summary>
    public static Pop3ParseOutcome<Pop3Command> None(ReadOnlySpan<byte> arguments, Pop3Command command, string usage) =>
        arguments.IsEmpty ? new Pop3ParseOutcome<Pop3Command>.Parsed(command) : Syntax(usage);

    /// <summary>A command with exactly one number.</summary>
    public static Pop3ParseOutcome<Pop3Command> OneNumber(ReadOnlySpan<byte> arguments, string usage, Func<int, Pop3Command> create)
    {
        Span<Range> tokens = stackalloc Range[1];
        if (!TrySplit(arguments, tokens, out int count) || count != 1) return Syntax(usage);
        return Number(arguments[tokens[0]]) is { } n ? new Pop3ParseOutcome<Pop3Command>.Parsed(create(n)) : Syntax(usage);
    }

    /// <summary>A command with zero or one number (LIST, UIDL).</summary>
    public static Pop3ParseOutcome<Pop3Command> OptionalNumber(ReadOnlySpan<byte> arguments, string usage, Func<int?, Pop3Command> create)
    {
        if (arguments.IsEmpty) return new Pop3ParseOutcome<Pop3Command>.Parsed(create(null));
        return OneNumber(arguments, usage, n => create(n));
    }

    public static Pop3ParseOutcome<Pop3Command> Syntax(string usage) => new Pop3ParseOutcome<Pop3Command>.Reject(Pop3Replies.Syntax(usage));
}
