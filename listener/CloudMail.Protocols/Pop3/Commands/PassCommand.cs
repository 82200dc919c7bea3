namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>
/// PASS string (RFC 1939 §7). The password is the rest of the line, spaces included, as RFC 1939 allows;
/// UTF-8 is accepted. <see cref="ToString"/> never shows it, so the command is safe to log.
/// </summary>
public sealed record PassCommand(string Password) : Pop3Command(Pop3CommandKind.Pass)
{
    internal const string Usage = "PASS string";

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments)
    {
        if (arguments.IsEmpty) return Pop3Arguments.Syntax(Usage);
        return Pop3CommandParser.TryDecodeUtf8(arguments, out string password)
            ? new Pop3ParseOutcome<Pop3Command>.Parsed(new PassCommand(password))
            : new Pop3ParseOutcome<Pop3Command>.Reject(Pop3Replies.InvalidCharacters);
    }

    public override string ToString() => "PassCommand { Password = <redacted> }";
}
