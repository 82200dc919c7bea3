namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>TOP msg n (RFC 1939 §7): the header, the blank line and the first <see cref="Lines"/> body lines.</summary>
public sealed record TopCommand(int Message, int Lines) : Pop3Command(Pop3CommandKind.Top)
{
    internal const string Usage = "TOP msg n";

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments)
    {
        Span<Range> tokens = stackalloc Range[2];
        if (!Pop3Arguments.TrySplit(arguments, tokens, out int count) || count != 2) return Pop3Arguments.Syntax(Usage);
        if (Pop3Arguments.Number(arguments[tokens[0]]) is not { } message
            || Pop3Arguments.Number(arguments[tokens[1]]) is not { } lines) return Pop3Arguments.Syntax(Usage);
        return new Pop3ParseOutcome<Pop3Command>.Parsed(new TopCommand(message, lines));
    }
}
