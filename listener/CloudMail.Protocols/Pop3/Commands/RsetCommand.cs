namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>RSET (RFC 1939 §5): no arguments.</summary>
public sealed record RsetCommand() : Pop3Command(Pop3CommandKind.Rset)
{
    internal const string Usage = "RSET";

    public static readonly RsetCommand Instance = new();

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments) =>
        Pop3Arguments.None(arguments, Instance, Usage);
}
