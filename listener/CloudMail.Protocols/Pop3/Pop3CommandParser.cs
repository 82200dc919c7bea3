using System.Text;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Protocols.Pop3;

/// <summary>
/// Parses one complete POP3 command line (CRLF already removed). Grammar, RFC 2449 §9:
/// <code>
/// command = keyword *(SP param) CRLF   ; 255 octets maximum (RFC 2449 §4)
/// keyword = 3*4VCHAR                   ; case-insensitive (RFC 1939 §3)
/// param   = 1*VCHAR
/// </code>
/// Each command's arguments are parsed by that command's type in <c>Commands/</c>. Never throws.
/// </summary>
public static class Pop3CommandParser
{
    /// <summary>command = keyword *(SP param)</summary>
    public static Pop3ParseOutcome<Pop3Command> Parse(ReadOnlySpan<byte> line)
    {
        if (ContainsControlCharacter(line)) return new Pop3ParseOutcome<Pop3Command>.Reject(Pop3Replies.InvalidCharacters);
        int space = line.IndexOf((byte)' ');
        var keyword = space < 0 ? line : line[..space];
        var arguments = space < 0 ? [] : line[(space + 1)..];
        var kind = Keyword(keyword);
        if (kind is null) return new Pop3ParseOutcome<Pop3Command>.Reject(Pop3Replies.UnknownCommand);

        // PASS takes the rest of the line verbatim: RFC 1939 §7 lets a server treat spaces in the
        // argument as part of the password. Everything else forgives trailing spaces (deliberate leniency).
        if (kind != Pop3CommandKind.Pass) arguments = arguments.TrimEnd((byte)' ');
        return kind.Value switch
        {
            Pop3CommandKind.Capa => CapaCommand.Parse(arguments),
            Pop3CommandKind.User => UserCommand.Parse(arguments),
            Pop3CommandKind.Pass => PassCommand.Parse(arguments),
            Pop3CommandKind.Auth => AuthCommand.Parse(arguments),
            Pop3CommandKind.Stls => StlsCommand.Parse(arguments),
            Pop3CommandKind.Stat => StatCommand.Parse(arguments),
            Pop3CommandKind.List => ListCommand.Parse(arguments),
            Pop3CommandKind.Uidl => UidlCommand.Parse(arguments),
            Pop3CommandKind.Retr => RetrCommand.Parse(arguments),
            Pop3CommandKind.Top => TopCommand.Parse(arguments),
            Pop3CommandKind.Dele => DeleCommand.Parse(arguments),
            Pop3CommandKind.Rset => RsetCommand.Parse(arguments),
            Pop3CommandKind.Noop => NoopCommand.Parse(arguments),
            Pop3CommandKind.Quit => QuitCommand.Parse(arguments),
            _ => new Pop3ParseOutcome<Pop3Command>.Reject(Pop3Replies.UnknownCommand),
        };
    }

    /// <summary>keyword = 3*4VCHAR, matched case-insensitively; null for anything CloudMail does not implement.</summary>
    public static Pop3CommandKind? Keyword(ReadOnlySpan<byte> keyword)
    {
        if (keyword.Length is < 3 or > 4) return null;
        Span<char> upper = stackalloc char[4];
        for (int i = 0; i < keyword.Length; i++)
        {
            byte b = keyword[i];
            if (b is < 0x21 or > 0x7E) return null;
            upper[i] = char.ToUpperInvariant((char)b);
        }
        return upper[..keyword.Length] switch
        {
            "CAPA" => Pop3CommandKind.Capa,
            "USER" => Pop3CommandKind.User,
            "PASS" => Pop3CommandKind.Pass,
            "AUTH" => Pop3CommandKind.Auth,
            "STLS" => Pop3CommandKind.Stls,
            "STAT" => Pop3CommandKind.Stat,
            "LIST" => Pop3CommandKind.List,
            "UIDL" => Pop3CommandKind.Uidl,
            "RETR" => Pop3CommandKind.Retr,
            "TOP" => Pop3CommandKind.Top,
            "DELE" => Pop3CommandKind.Dele,
            "RSET" => Pop3CommandKind.Rset,
            "NOOP" => Pop3CommandKind.Noop,
            "QUIT" => Pop3CommandKind.Quit,
            _ => null,
        };
    }

    /// <summary>
    /// RFC 1939 §3: commands are printable ASCII. Control characters (including NUL and a bare CR) are
    /// refused; octets above 0x7E are let through for UTF-8 user names and passwords (deliberate leniency,
    /// validated as UTF-8 where they are used).
    /// </summary>
    public static bool ContainsControlCharacter(ReadOnlySpan<byte> line) =>
        line.IndexOfAnyInRange((byte)0x00, (byte)0x1F) >= 0 || line.IndexOf((byte)0x7F) >= 0;

    /// <summary>Decodes UTF-8 without replacement characters; false for malformed sequences.</summary>
    internal static bool TryDecodeUtf8(ReadOnlySpan<byte> bytes, out string text)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            text = string.Empty;
            return false;
        }
        text = Encoding.UTF8.GetString(bytes);
        return true;
    }
}
