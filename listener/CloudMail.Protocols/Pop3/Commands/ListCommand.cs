namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>LIST [msg] (RFC 1939 §5): scan listing of one message, or of all when <see cref="Message"/> is null.</summary>
public sealed record ListCommand(int? Message) : Pop3Command(Pop3CommandKind.List)
{
    internal const string Usage = "LIST [msg]";

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments) =>
        Pop3Arguments.OptionalNumber(arguments, Usage, n => new ListCommand(n));
}
