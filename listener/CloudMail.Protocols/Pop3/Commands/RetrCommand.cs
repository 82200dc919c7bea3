namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>RETR msg (RFC 1939 §5): the whole message as a multi-line response.</summary>
public sealed record RetrCommand(int Message) : Pop3Command(Pop3CommandKind.Retr)
{
    internal const string Usage = "RETR msg";

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments) =>
        Pop3Arguments.OneNumber(arguments, Usage, n => new RetrCommand(n));
}
