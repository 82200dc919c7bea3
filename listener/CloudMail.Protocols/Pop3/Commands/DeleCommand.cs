namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>DELE msg (RFC 1939 §5): marks a message; it is removed only in the UPDATE state.</summary>
public sealed record DeleCommand(int Message) : Pop3Command(Pop3CommandKind.Dele)
{
    internal const string Usage = "DELE msg";

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments) =>
        Pop3Arguments.OneNumber(arguments, Usage, n => new DeleCommand(n));
}
