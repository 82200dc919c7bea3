namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>STAT (RFC 1939 §5): no arguments.</summary>
public sealed record StatCommand() : Pop3Command(Pop3CommandKind.Stat)
{
    internal const string Usage = "STAT";

    public static readonly StatCommand Instance = new();

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments) =>
        Pop3Arguments.None(arguments, Instance, Usage);
}
