using System.Text;
using MimeKit.Text;

namespace CloudMail.Core.Mailboxes.Search;

/// <summary>
/// The text a reader sees in an HTML part, for SEARCH BODY/TEXT: character data with entities decoded, without tags,
/// comments, scripts and style sheets; block-level tags and &lt;br&gt; become line breaks so words of adjacent blocks do
/// not run together. Never throws (MimeKit's tokenizer accepts any input).
/// </summary>
public static class HtmlText
{
    private static readonly HashSet<HtmlTagId> Breaks =
    [
        HtmlTagId.Br, HtmlTagId.P, HtmlTagId.Div, HtmlTagId.LI, HtmlTagId.TR, HtmlTagId.TD, HtmlTagId.TH, HtmlTagId.H1, HtmlTagId.H2,
        HtmlTagId.H3, HtmlTagId.H4, HtmlTagId.H5, HtmlTagId.H6, HtmlTagId.BlockQuote, HtmlTagId.Pre, HtmlTagId.Table, HtmlTagId.UL,
        HtmlTagId.OL, HtmlTagId.HR, HtmlTagId.Title, HtmlTagId.Body,
    ];

    /// <summary>The visible text of <paramref name="html"/>, at most <paramref name="maxChars"/> characters (then stops).</summary>
    public static string ToText(string html, int maxChars = int.MaxValue)
    {
        var text = new StringBuilder();
        using var reader = new StringReader(html);
        var tokenizer = new HtmlTokenizer(reader);
        HtmlTagId skipping = HtmlTagId.Unknown;
        while (text.Length < maxChars && tokenizer.ReadNextToken(out HtmlToken? token))
        {
            switch (token)
            {
                case HtmlTagToken tag when skipping != HtmlTagId.Unknown:
                    if (tag.IsEndTag && tag.Id == skipping) skipping = HtmlTagId.Unknown;
                    break;
                case HtmlTagToken { Id: HtmlTagId.Script or HtmlTagId.Style, IsEndTag: false, IsEmptyElement: false } tag:
                    skipping = tag.Id;
                    break;
                case HtmlTagToken tag when Breaks.Contains(tag.Id):
                    if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
                    break;
                case HtmlDataToken data when skipping == HtmlTagId.Unknown && token is not HtmlScriptDataToken:
                    text.Append(data.Data);
                    break;
            }
        }
        return text.Length > maxChars ? text.ToString(0, maxChars) : text.ToString();
    }
}
