namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>
/// AUTH [mechanism [initial-response]] (RFC 5034 §4). <see cref="Mechanism"/> is upper-cased; null for a
/// bare "AUTH", which lists mechanisms (RFC 1734 practice that Outlook still uses). <see cref="InitialResponse"/>
/// is the base64 text, "" for the "=" that means an empty response, and null when absent (the server then
/// sends a "+ " continuation). <see cref="ToString"/> never shows the response, which carries the password.
/// </summary>
public sealed record AuthCommand(string? Mechanism, string? InitialResponse) : Pop3Command(Pop3CommandKind.Auth)
{
    internal const string Usage = "AUTH mechanism [initial-response]";

    internal static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> arguments)
    {
        Span<Range> tokens = stackalloc Range[2];
        if (!Pop3Arguments.TrySplit(arguments, tokens, out int count)) return Pop3Arguments.Syntax(Usage);
        if (count == 0) return new Pop3ParseOutcome<Pop3Command>.Parsed(new AuthCommand(null, null));
        var mechanism = arguments[tokens[0]];
        // RFC 4422 §3.1: mechanism names are 1*20 of upper-case letters, digits, '-' and '_'.
        if (mechanism.Length > 20 || !IsAscii(mechanism) || !IsAscii(count == 2 ? arguments[tokens[1]] : [])) return Pop3Arguments.Syntax(Usage);
        string name = System.Text.Encoding.ASCII.GetString(mechanism).ToUpperInvariant();
        string? initial = count == 2 ? System.Text.Encoding.ASCII.GetString(arguments[tokens[1]]) : null;
        if (initial == "=") initial = string.Empty; // RFC 5034 §4: "=" is an empty initial response
        return new Pop3ParseOutcome<Pop3Command>.Parsed(new AuthCommand(name, initial));
    }

    private static bool IsAscii(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) < 0;

    public override string ToString() =>
        $"AuthCommand {{ Mechanism = {Mechanism}, InitialResponse = {(InitialResponse is null ? "<none>" : "<redacted>")} }}";
}
