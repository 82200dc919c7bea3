namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>STLS (RFC 2595 §4): no arguments.</summary>
public sealed record StlsCommand() : Pop3Command(Pop3CommandKind.Stls)
{
    internal const string Usage = "STLS";

    public static readonly StlsCommand Instance = new();

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments) =>
        Pop3Arguments.None(arguments, Instance, Usage);
}
