namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>NOOP (RFC 1939 §5): no arguments.</summary>
public sealed record NoopCommand() : Pop3Command(Pop3CommandKind.Noop)
{
    internal const string Usage = "NOOP";

    public static readonly NoopCommand Instance = new();

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments) =>
        Pop3Arguments.None(arguments, Instance, Usage);
}
