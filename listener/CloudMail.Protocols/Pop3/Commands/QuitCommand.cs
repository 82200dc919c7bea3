namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>QUIT (RFC 1939 §4 and §6): no arguments.</summary>
public sealed record QuitCommand() : Pop3Command(Pop3CommandKind.Quit)
{
    internal const string Usage = "QUIT";

    public static readonly QuitCommand Instance = new();

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments) =>
        Pop3Arguments.None(arguments, Instance, Usage);
}
