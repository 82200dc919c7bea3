namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>USER name (RFC 1939 §7). The name is one parameter; UTF-8 is accepted.</summary>
public sealed record UserCommand(string Name) : Pop3Command(Pop3CommandKind.User)
{
    internal const string Usage = "USER name";

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments)
    {
        Span<Range> tokens = stackalloc Range[1];
        if (!Pop3Arguments.TrySplit(arguments, tokens, out int count) || count != 1) return Pop3Arguments.Syntax(Usage);
        return Pop3CommandParser.TryDecodeUtf8(arguments, out string name)
            ? new Pop3ParseOutcome<Pop3Command>.Parsed(new UserCommand(name))
            : new Pop3ParseOutcome<Pop3Command>.Reject(Pop3Replies.InvalidCharacters);
    }
}
