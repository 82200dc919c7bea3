using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Protocols.Imap.Parsing;

/// <summary>
/// Turns a complete framed command into an <see cref="ImapCommand"/> (RFC 3501 §9 "command"), or a BAD
/// rejection that carries the tag when one could be read. Pure; never throws on client input.
/// </summary>
internal static class ImapCommandParser
{
    private static readonly Dictionary<string, Func<string, ImapTokenizer, ImapCommand?>> Commands = new(StringComparer.Ordinal)
    {
        ["CAPABILITY"] = Simple("CAPABILITY"),
        ["NOOP"] = Simple("NOOP"),
        ["LOGOUT"] = Simple("LOGOUT"),
        ["STARTTLS"] = Simple("STARTTLS"),
        ["NAMESPACE"] = Simple("NAMESPACE"),
        ["CHECK"] = Simple("CHECK"),
        ["CLOSE"] = Simple("CLOSE"),
        ["UNSELECT"] = Simple("UNSELECT"),
        ["IDLE"] = Simple("IDLE"),
        ["LOGIN"] = LoginCommand.Parse,
        ["AUTHENTICATE"] = AuthenticateCommand.Parse,
        ["ENABLE"] = EnableCommand.Parse,
        ["NOTIFY"] = NotifyCommand.Parse,
        ["COMPRESS"] = CompressCommand.Parse,
        ["ID"] = IdCommand.Parse,
        ["CREATE"] = CreateCommand.Parse,
        ["DELETE"] = MailboxCommand.Parser("DELETE"),
        ["SUBSCRIBE"] = MailboxCommand.Parser("SUBSCRIBE"),
        ["UNSUBSCRIBE"] = MailboxCommand.Parser("UNSUBSCRIBE"),
        ["RENAME"] = RenameCommand.Parse,
        ["LIST"] = ListCommand.ParseList,
        ["LSUB"] = ListCommand.ParseLsub,
        ["SELECT"] = SelectCommand.Parser(readOnly: false),
        ["EXAMINE"] = SelectCommand.Parser(readOnly: true),
        ["STATUS"] = StatusCommand.Parse,
        ["APPEND"] = AppendCommand.Parse,
        ["EXPUNGE"] = ExpungeCommand.Parse,
        ["SEARCH"] = SearchCommand.Parser(uid: false),
        ["FETCH"] = FetchCommand.Parser(uid: false),
        ["STORE"] = StoreCommand.Parser(uid: false),
        ["COPY"] = CopyCommand.Parser(uid: false, move: false),
        ["MOVE"] = CopyCommand.Parser(uid: false, move: true),
        ["UID SEARCH"] = SearchCommand.Parser(uid: true),
        ["UID FETCH"] = FetchCommand.Parser(uid: true),
        ["UID STORE"] = StoreCommand.Parser(uid: true),
        ["UID COPY"] = CopyCommand.Parser(uid: true, move: false),
        ["UID MOVE"] = CopyCommand.Parser(uid: true, move: true),
        ["UID EXPUNGE"] = ExpungeCommand.ParseUid,
        ["GETQUOTAROOT"] = MailboxCommand.Parser("GETQUOTAROOT"),
        ["GETQUOTA"] = GetQuotaCommand.Parse,
        ["SETQUOTA"] = SetQuotaCommand.Parse,
        ["SORT"] = SortCommand.Parser(uid: false),
        ["UID SORT"] = SortCommand.Parser(uid: true),
        ["THREAD"] = ThreadCommand.Parser(uid: false),
        ["UID THREAD"] = ThreadCommand.Parser(uid: true),
    };

    private static Func<string, ImapTokenizer, ImapCommand?> Simple(string name) => (tag, _) => new SimpleCommand(tag, name);

    /// <summary>True for command names this parser knows ("UID FETCH" style for UID commands).</summary>
    public static bool IsKnown(string name) => Commands.ContainsKey(name);

    /// <summary>command = tag SP (command-any / command-auth / command-nonauth / command-select) CRLF.</summary>
    public static ImapReadResult Parse(IReadOnlyList<ImapFramePart> parts, bool utf8Accept = false)
    {
        var t = new ImapTokenizer(parts) { Utf8Accept = utf8Accept };
        // RFC 3501 §9: tag = 1*<any ASTRING-CHAR except "+">; a tag that runs on into another character ("a+b", "a{1",
        // "a%") is not the client's tag cut short: the answer is untagged, never tagged with a prefix of it.
        if (!t.Tag(out string tag) || t.Peek() is not (' ' or -1)) return new ImapRejected(null, ImapStatus.Bad, null, "Missing or invalid tag");
        if (!t.Sp() || !t.Atom(out string name)) return new ImapRejected(tag, ImapStatus.Bad, null, "Missing command");
        name = name.ToUpperInvariant();
        if (name == "UID")
        {
            if (!t.Sp() || !t.Atom(out string sub)) return new ImapRejected(tag, ImapStatus.Bad, null, "Missing UID command");
            name = "UID " + sub.ToUpperInvariant();
        }
        if (!Commands.TryGetValue(name, out var parse))
            return new ImapRejected(tag, ImapStatus.Bad, null, "Unknown command");
        var command = parse(tag, t);
        if (command is null && t.MailboxNameRefused) return new ImapRejected(tag, ImapStatus.No, null, $"{name}: {t.Error}");
        if (command is null) return new ImapRejected(tag, ImapStatus.Bad, null, $"{name}: {t.Error ?? "syntax error"}");
        if (!t.AtEnd) return new ImapRejected(tag, ImapStatus.Bad, null, $"{name}: unexpected text after the arguments");
        return new ImapCommandReady(command);
    }

    /// <summary>
    /// When the frame so far (ending in a literal marker) is an APPEND whose next literal is a message (RFC 3502:
    /// any of several), returns what <see cref="AppendCommand.MessageStarting"/> found; otherwise null.
    /// </summary>
    public static ImapAppendLiteralStarting? MatchAppendMessageLiteral(IReadOnlyList<ImapFramePart> parts, long size, bool synchronizing,
        bool utf8Accept = false)
    {
        var probe = new List<ImapFramePart>(parts) { ImapFramePart.Streamed(size), ImapFramePart.Line([]) };
        var t = new ImapTokenizer(probe) { Utf8Accept = utf8Accept };
        if (!t.Tag(out string tag) || !t.Sp() || !t.Atom(out string name) || !name.Equals("APPEND", StringComparison.OrdinalIgnoreCase)) return null;
        return AppendCommand.MessageStarting(tag, t, size, synchronizing);
    }

    /// <summary>The tag at the start of a (possibly incomplete) line, or null.</summary>
    public static string? TagOf(ReadOnlySpan<byte> line)
    {
        int i = 0;
        while (i < line.Length && ImapTokenizer.IsTagChar(line[i])) i++;
        if (i == 0 || i > 64 || (i < line.Length && line[i] != ' ')) return null;
        return System.Text.Encoding.ASCII.GetString(line[..i]);
    }
}
