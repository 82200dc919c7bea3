using System.Text;
using MimeKit;

namespace CloudMail.Core.Mailboxes.Search;

/// <summary>
/// The preview text of a message (IMAP PREVIEW, RFC 8970 §2): the start of its main text body — the text/plain body,
/// or the text of the HTML body when there is no plain one (MimeKit's choice within multipart/alternative and
/// multipart/related); attachments never — with every run of white space and control characters turned into one space,
/// trimmed, cut to at most <see cref="MaxChars"/> characters (never inside a surrogate pair). Empty when the message has
/// no text body.
/// </summary>
public static class MessagePreview
{
    /// <summary>RFC 8970 §2: the preview MUST NOT be longer than 256 characters.</summary>
    public const int MaxChars = 256;

    /// <summary>Most characters of the body looked at (enough for <see cref="MaxChars"/> after white space is folded).</summary>
    private const int ScanChars = 4096;

    public static string Of(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string? text = message.TextBody;
        if (string.IsNullOrWhiteSpace(text) && message.HtmlBody is { } html) text = HtmlText.ToText(html, ScanChars);
        return Fold(text ?? "");
    }

    /// <summary>White space and controls folded to single spaces, trimmed, at most <see cref="MaxChars"/> characters.</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(MaxChars);
        bool space = false;
        foreach (char c in text.AsSpan(0, Math.Min(text.Length, ScanChars)))
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = sb.Length > 0;
                continue;
            }
            if (space)
            {
                if (sb.Length + 1 >= MaxChars) break;
                sb.Append(' ');
                space = false;
            }
            if (sb.Length >= MaxChars || (char.IsHighSurrogate(c) && sb.Length + 2 > MaxChars)) break;
            sb.Append(c);
        }
        return sb.ToString();
    }
}
