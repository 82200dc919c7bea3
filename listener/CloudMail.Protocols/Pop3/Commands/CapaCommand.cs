namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>CAPA (RFC 2449 §5): no arguments.</summary>
public sealed record CapaCommand() : Pop3Command(Pop3CommandKind.Capa)
{
    internal const string Usage = "CAPA";

    public static readonly CapaCommand Instance = new();

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments) =>
        Pop3Arguments.None(arguments, Instance, Usage);
}
