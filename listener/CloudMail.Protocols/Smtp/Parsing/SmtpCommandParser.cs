using System.Text;
using System.Text.Unicode;
using CloudMail.Protocols.Smtp.Commands;

namespace CloudMail.Protocols.Smtp.Parsing;

/// <summary>
/// Turns one complete command line (terminator removed) into a command or a reject. Verbs are matched
/// case-insensitively (RFC 5321 §2.4); each command's own file parses its arguments. Never throws.
/// </summary>
public static class SmtpCommandParser
{
    private delegate SmtpParseResult ArgumentParser(ReadOnlySpan<char> arguments);

    private static readonly (string Verb, ArgumentParser Parse)[] Verbs =
    [
        ("MAIL", MailCommand.Parse),
        ("RCPT", RcptCommand.Parse),
        ("BDAT", BdatCommand.Parse),
        ("DATA", DataCommand.Parse),
        ("EHLO", EhloCommand.Parse),
        ("HELO", HeloCommand.Parse),
        ("RSET", RsetCommand.Parse),
        ("NOOP", NoopCommand.Parse),
        ("QUIT", QuitCommand.Parse),
        ("AUTH", AuthCommand.Parse),
        ("STARTTLS", StartTlsCommand.Parse),
        ("VRFY", VrfyCommand.Parse),
        ("EXPN", ExpnCommand.Parse),
        ("HELP", HelpCommand.Parse),
    ];

    /// <summary>Parses a command line given as bytes: it must be UTF-8 text without control characters (RFC 5321 §2.3.1, RFC 6531 §3.3).</summary>
    public static SmtpParseResult Parse(ReadOnlySpan<byte> line)
    {
        foreach (byte b in line)
        {
            if (b is < 0x20 or 0x7f) return SmtpReplies.InvalidCharacters;
        }
        if (!Utf8.IsValid(line)) return SmtpReplies.InvalidCharacters;
        int chars = Encoding.UTF8.GetCharCount(line);
        Span<char> text = chars <= 1024 ? stackalloc char[chars] : new char[chars];
        Encoding.UTF8.GetChars(line, text);
        return Parse(text);
    }

    /// <summary>Parses a command line given as text (no CR or LF).</summary>
    public static SmtpParseResult Parse(ReadOnlySpan<char> line)
    {
        // Deliberate leniency: trailing spaces are ignored.
        line = line.TrimEnd(' ');
        int sp = line.IndexOf(' ');
        var verb = sp < 0 ? line : line[..sp];
        // Deliberate leniency: more than one space after the verb.
        var arguments = sp < 0 ? [] : line[(sp + 1)..].TrimStart(' ');
        foreach (var (name, parse) in Verbs)
        {
            if (verb.Equals(name, StringComparison.OrdinalIgnoreCase)) return parse(arguments);
        }
        return SmtpReplies.UnknownCommand;
    }
}
