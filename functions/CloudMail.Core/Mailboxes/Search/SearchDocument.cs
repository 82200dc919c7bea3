using System.Text;
using MimeKit;

namespace CloudMail.Core.Mailboxes.Search;

/// <summary>
/// One message's searchable text as a full-text index stores it, already <see cref="SearchableText.Fold"/>ed: the lines of
/// the Subject, From, To, Cc and Bcc fields (each column the <see cref="SearchableText.FieldLines"/> of every such field),
/// every header field of the message and of its MIME parts as "Field: value" lines with decoded values (the top-level
/// Content-* ones too, which MimeKit keeps on the body entity; <see cref="SearchableText.PartHeaderLines(MimeMessage)"/>), and the body text. <see cref="Truncated"/> is set when a column was cut at its
/// limit, so the index cannot tell "absent" for that message.
/// </summary>
public sealed record SearchDocument(string Subject, string From, string To, string Cc, string Bcc, string Headers, string Body, bool Truncated)
{
    /// <summary>Most characters kept of the header columns (each), whatever the body limit.</summary>
    public const int MaxHeaderChars = 16 * 1024;

    /// <summary>The document of <paramref name="message"/>, its body cut at <paramref name="maxBodyChars"/> characters.</summary>
    public static SearchDocument Of(MimeMessage message, int maxBodyChars)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool truncated = false;
        string Column(IEnumerable<string> lines, int max)
        {
            var sb = new StringBuilder();
            foreach (string line in lines)
            {
                if (sb.Length + line.Length + 1 > max)
                {
                    truncated = true;
                    break;
                }
                sb.Append(line).Append('\n');
            }
            return SearchableText.Fold(sb.ToString());
        }
        IEnumerable<string> Fields(string name) =>
            message.Headers.Where(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase)).SelectMany(SearchableText.FieldLines);

        string body = SearchableText.BodyText(message, maxBodyChars + 1);
        if (body.Length > maxBodyChars)
        {
            truncated = true;
            body = body[..maxBodyChars];
        }
        return new SearchDocument(
            Column(Fields("Subject"), MaxHeaderChars), Column(Fields("From"), MaxHeaderChars), Column(Fields("To"), MaxHeaderChars),
            Column(Fields("Cc"), MaxHeaderChars), Column(Fields("Bcc"), MaxHeaderChars),
            Column(Structure.MessageStructureParser.TopLevelHeaders(message).Select(SearchableText.HeaderLine).Concat(SearchableText.PartHeaderLines(message)), MaxHeaderChars),
            SearchableText.Fold(body), truncated);
    }

    /// <summary>A document for a message that could not be read: nothing in it, and <see cref="Truncated"/> so searches scan it.</summary>
    public static SearchDocument Unreadable { get; } = new("", "", "", "", "", "", "", Truncated: true);
}
