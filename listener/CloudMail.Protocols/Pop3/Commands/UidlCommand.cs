namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>UIDL [msg] (RFC 1939 §7): unique-id of one message, or of all when <see cref="Message"/> is null.</summary>
public sealed record UidlCommand(int? Message) : Pop3Command(Pop3CommandKind.Uidl)
{
    internal const string Usage = "UIDL [msg]";

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments) =>
        Pop3Arguments.OptionalNumber(arguments, Usage, n => new UidlCommand(n));
}
