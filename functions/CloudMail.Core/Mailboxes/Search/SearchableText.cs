using System.Text;
using MimeKit;

namespace CloudMail.Core.Mailboxes.Search;

/// <summary>
/// What IMAP SEARCH string keys match (RFC 3501 §6.4.4, RFC 9051 §6.4.4: "contains the specified string",
/// case-insensitive), defined once so the full-text index and the message-by-message scan agree exactly:
/// <list type="bullet">
/// <item>a header field: its decoded value (RFC 2047 words decoded, unfolded, each run of whitespace as one space and none
/// in front: <see cref="Collapsed"/>, so "hello world" finds a Subject folded or spaced between the words, as in
/// Dovecot), and for address fields
/// (<see cref="IsAddressField"/>) also each mailbox's address (<c>local@domain</c>), display name and
/// <c>name &lt;address&gt;</c> form (<c>&lt;address&gt;</c> without a name), each a line of its own (<see cref="FieldLines"/>);</item>
/// <item>the body: the non-attachment text parts, transfer-decoded and charset-converted, HTML parts as the text a reader
/// sees (<see cref="HtmlText"/>), joined by line breaks (<see cref="BodyText"/>); an encapsulated message's text parts
/// (message/rfc822, a forward) are body too, its header fields are not (as in Dovecot, whose BODY skips every header);</item>
/// <item>for TEXT also every header below the top level, names included (<see cref="PartHeaderLines(MimeMessage)"/>).</item>
/// </list>
/// A needle matches a line list when one line contains it, so a needle holding a line break is never matched through an
/// index built from these lines (callers scan instead). Case-insensitivity is <see cref="StringComparison.OrdinalIgnoreCase"/>,
/// which equals comparing <see cref="Fold"/>ed text ordinally. (Dovecot compares with i;unicode-casemap, RFC 5051, so
/// "cafe" finds "café" there; that needs Unicode decomposition data, which the globalization-invariant runtime lacks.)
/// </summary>
public static class SearchableText
{
    private static readonly HashSet<string> AddressFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Sender", "Reply-To", "Resent-From", "Resent-To", "Resent-Cc", "Resent-Bcc", "Resent-Sender",
    };

    /// <summary>True when <paramref name="field"/> holds addresses (RFC 5322 §3.6.2, §3.6.3, §3.6.6).</summary>
    public static bool IsAddressField(string field) => AddressFields.Contains(field);

    /// <summary>
    /// The searchable lines of one header field: its decoded value, and for an address field each parsed mailbox's address,
    /// display name and <c>name &lt;address&gt;</c> (a field written <c>"Ann" &lt;ann (work) @ example.test&gt;</c> contains
    /// <c>ann@example.test</c> to any reader, though not as raw text).
    /// </summary>
    public static IEnumerable<string> FieldLines(Header header)
    {
        ArgumentNullException.ThrowIfNull(header);
        yield return Collapsed(header.Value ?? "");
        if (!IsAddressField(header.Field) || !InternetAddressList.TryParse(ParserOptions.Default, header.RawValue, out var list)) yield break;
        foreach (var mailbox in list.Mailboxes)
        {
            yield return mailbox.Address ?? "";
            if (string.IsNullOrEmpty(mailbox.Name))
            {
                yield return $"<{mailbox.Address}>";
                continue;
            }
            string name = Collapsed(mailbox.Name);
            yield return name;
            yield return $"{name} <{mailbox.Address}>";
        }
    }

    /// <summary>
    /// A header value as SEARCH matches it: each run of spaces, tabs and line breaks (what unfolding leaves of a fold, and
    /// spacing) as one space, none in front. The search string itself is taken as given (as Dovecot does): "hello  world"
    /// finds nothing that "hello world" would not.
    /// </summary>
    public static string Collapsed(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int start = 0;
        while (start < value.Length && IsSpace(value[start])) start++;
        bool clean = true;
        for (int i = start; i < value.Length && clean; i++)
            clean = value[i] == ' ' ? i + 1 == value.Length || !IsSpace(value[i + 1]) : !IsSpace(value[i]);
        if (clean) return start == 0 ? value : value[start..];
        var sb = new StringBuilder(value.Length - start);
        bool space = false;
        for (int i = start; i < value.Length; i++)
        {
            if (IsSpace(value[i]))
            {
                space = true;
                continue;
            }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(value[i]);
        }
        if (space) sb.Append(' ');
        return sb.ToString();
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>True when a line of <paramref name="header"/> contains <paramref name="needle"/> (case-insensitive).</summary>
    public static bool FieldContains(Header header, string needle) => FieldLines(header).Any(line => Contains(line, needle));

    /// <summary>
    /// The decoded text of the message's non-attachment text parts, HTML as text, joined by line breaks, with each
    /// encapsulated message's text parts in their place (MimeKit's <see cref="MimeMessage.BodyParts"/> does not descend
    /// into them, and a forwarded message's text was not found). Header fields, the encapsulated messages' included, are
    /// not body text: BODY skips them as Dovecot's does, TEXT finds them through <see cref="PartHeaderLines(MimeMessage)"/>.
    /// </summary>
    public static string BodyText(MimeMessage message, int maxChars = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sb = new StringBuilder();
        AppendBody(sb, message.Body, maxChars, depth: 0);
        return sb.ToString();
    }

    /// <summary>
    /// Every header field below the top level, as "Field: value" lines with decoded values: the part headers of
    /// multiparts, and each encapsulated message's fields and part headers. RFC 3501 §6.4.4 TEXT looks in them (they are
    /// in the message's body); BODY does not, as in Dovecot, which searches headers for TEXT only. TEXT matches the header
    /// text, not the parsed address forms that FROM and TO add (as Dovecot).
    /// </summary>
    public static IEnumerable<string> PartHeaderLines(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return PartHeaderLines(message.Body, top: true, depth: 0);
    }

    private static IEnumerable<string> PartHeaderLines(MimeEntity? entity, bool top, int depth)
    {
        if (entity is null) yield break;
        if (!top)
        {
            foreach (var header in entity.Headers) yield return HeaderLine(header);
        }
        switch (entity)
        {
            case Multipart multipart:
                foreach (var child in multipart)
                    foreach (string line in PartHeaderLines(child, top: false, depth)) yield return line;
                break;
            case MessagePart { Message: { } inner } when depth < MaxNesting:
                foreach (var header in inner.Headers) yield return HeaderLine(header);
                foreach (string line in PartHeaderLines(inner.Body, top: false, depth + 1)) yield return line;
                break;
        }
    }

    /// <summary>"Field: value" with the decoded value (<see cref="Collapsed"/>): what TEXT matches a header field against, its name included.</summary>
    public static string HeaderLine(Header header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.Field + ": " + Collapsed(header.Value ?? "");
    }

    /// <summary>Encapsulated messages read this deep at most (a message nested in itself many times is not searched further).</summary>
    private const int MaxNesting = 16;

    private static void AppendBody(StringBuilder sb, MimeEntity? entity, int maxChars, int depth)
    {
        if (entity is null || sb.Length >= maxChars) return;
        switch (entity)
        {
            case Multipart multipart:
                foreach (var child in multipart) AppendBody(sb, child, maxChars, depth);
                break;
            case MessagePart { Message: { } inner } when depth < MaxNesting:
                AppendBody(sb, inner.Body, maxChars, depth + 1);
                break;
            case TextPart { IsAttachment: false } part:
                sb.Append(part.IsHtml ? HtmlText.ToText(part.Text, maxChars - sb.Length) : part.Text).Append('\n');
                break;
        }
    }

    /// <summary>Case-insensitive substring test, the one SEARCH uses.</summary>
    public static bool Contains(string? haystack, string needle) =>
        haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <paramref name="text"/> upper-cased with the invariant simple case mapping: the same per-character mapping
    /// <see cref="StringComparison.OrdinalIgnoreCase"/> compares with, so "<c>Fold(a)</c> contains <c>Fold(b)</c>
    /// ordinally" holds exactly when "<c>a</c> contains <c>b</c> ignoring case".
    /// </summary>
    public static string Fold(string text) => text.ToUpperInvariant();
}
