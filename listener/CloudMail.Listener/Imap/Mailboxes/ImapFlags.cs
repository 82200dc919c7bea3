using System.Globalization;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Writing;

namespace CloudMail.Listener.Imap.Mailboxes;

/// <summary>Maps IMAP flag names (RFC 3501 §2.3.2) to the index's <see cref="MessageFlags"/> and keywords.</summary>
internal static class ImapFlags
{
    public const string SystemFlagList = @"\Answered \Flagged \Deleted \Seen \Draft";

    /// <summary>
    /// The longest keyword taken, in characters. RFC 9051 sets none; Dovecot's <c>mail_max_keyword_length</c> is 50, so a
    /// client that works there works here.
    /// </summary>
    public const int MaxKeywordLength = 128;

    /// <summary>
    /// The most keywords one message holds. RFC 9051 sets none; Cyrus takes 128 per mailbox. Without a bound a client
    /// could grow every message record, and every FLAGS response of the mailbox, without end.
    /// </summary>
    public const int MaxKeywordsPerMessage = 128;

    /// <summary>
    /// Why a message cannot be given <paramref name="flags"/>, or null: BAD for a backslash flag that is not a system
    /// flag, NO [LIMIT] (RFC 5530 §3: "the number of flags on a single message") for a keyword past
    /// <see cref="MaxKeywordLength"/> or more than <see cref="MaxKeywordsPerMessage"/> keywords.
    /// </summary>
    public static ImapCompletion? Refusal(IEnumerable<string> flags)
    {
        if (!TryParse(flags, out _, out var keywords, out string? unsupported)) return ImapCompletion.Bad("Unsupported flag " + unsupported);
        return LimitRefusal(keywords, keywords.Count);
    }

    /// <summary>
    /// NO [LIMIT] when one of <paramref name="keywords"/> is longer than <see cref="MaxKeywordLength"/> or a message would
    /// hold <paramref name="resultingCount"/> keywords, more than <see cref="MaxKeywordsPerMessage"/>; else null.
    /// </summary>
    public static ImapCompletion? LimitRefusal(IEnumerable<string> keywords, int resultingCount)
    {
        if (keywords.Any(k => k.Length > MaxKeywordLength))
            return ImapCompletion.No(ImapResponseCodes.Limit, $"Keywords are limited to {MaxKeywordLength} characters");
        return resultingCount > MaxKeywordsPerMessage
            ? ImapCompletion.No(ImapResponseCodes.Limit, $"A message holds at most {MaxKeywordsPerMessage} keywords")
            : null;
    }

    /// <summary>
    /// Splits <paramref name="flags"/> into system flags and keywords. \Recent is ignored (RFC 3501 §2.3.2: a
    /// client cannot set it). Other backslash flags are not supported: returns false with the offending flag.
    /// </summary>
    public static bool TryParse(IEnumerable<string> flags, out MessageFlags system, out List<string> keywords, out string? unsupported)
    {
        system = MessageFlags.None;
        keywords = [];
        unsupported = null;
        foreach (string flag in flags)
        {
            switch (flag)
            {
                case FlagNames.Seen: system |= MessageFlags.Seen; break;
                case FlagNames.Answered: system |= MessageFlags.Answered; break;
                case FlagNames.Flagged: system |= MessageFlags.Flagged; break;
                case FlagNames.Deleted: system |= MessageFlags.Deleted; break;
                case FlagNames.Draft: system |= MessageFlags.Draft; break;
                case FlagNames.Recent: break;
                default:
                    if (flag.StartsWith('\\'))
                    {
                        unsupported = flag;
                        return false;
                    }
                    if (!keywords.Contains(flag, StringComparer.OrdinalIgnoreCase)) keywords.Add(flag);
                    break;
            }
        }
        return true;
    }

    /// <summary>The system flag <paramref name="flag"/> ("\Seen") as <see cref="MessageFlags"/>, or None.</summary>
    public static MessageFlags ToSystemFlag(string flag) => flag switch
    {
        FlagNames.Seen => MessageFlags.Seen,
        FlagNames.Answered => MessageFlags.Answered,
        FlagNames.Flagged => MessageFlags.Flagged,
        FlagNames.Deleted => MessageFlags.Deleted,
        FlagNames.Draft => MessageFlags.Draft,
        _ => MessageFlags.None,
    };

    /// <summary>flag-list: "(" flags ")" of a message; \Recent when <paramref name="recent"/> (RFC 3501 §2.3.2).</summary>
    public static void Write(ImapResponseWriter w, MessageFlags flags, IReadOnlyList<string> keywords, bool recent = false)
    {
        w.Open();
        bool first = true;
        void Add(string s)
        {
            if (!first) w.Sp();
            first = false;
            w.Raw(s);
        }
        if (flags.HasFlag(MessageFlags.Seen)) Add(FlagNames.Seen);
        if (flags.HasFlag(MessageFlags.Answered)) Add(FlagNames.Answered);
        if (flags.HasFlag(MessageFlags.Flagged)) Add(FlagNames.Flagged);
        if (flags.HasFlag(MessageFlags.Deleted)) Add(FlagNames.Deleted);
        if (flags.HasFlag(MessageFlags.Draft)) Add(FlagNames.Draft);
        if (recent) Add(FlagNames.Recent);
        foreach (string k in keywords) Add(k);
        w.Close();
    }

    /// <summary>date-time as INTERNALDATE writes it: "dd-Mon-yyyy hh:mm:ss +hhmm" (RFC 3501 §9).</summary>
    public static string FormatDateTime(DateTimeOffset value)
    {
        var offset = value.Offset;
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return value.ToString("dd-MMM-yyyy HH:mm:ss ", CultureInfo.InvariantCulture)
            + sign + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }
}
