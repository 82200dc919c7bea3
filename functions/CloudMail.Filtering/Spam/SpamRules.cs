using System.Globalization;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;

namespace CloudMail.Filtering.Spam;

/// <summary>One rule that matched: its name (as in <c>X-Spam-Status</c>) and weight.</summary>
public sealed record SpamHit(string Rule, double Score);

/// <summary>
/// CloudMail's spam rules, each a weight for something spam does and legitimate mail rarely does (weights in the spirit
/// of SpamAssassin's rules of the same names): header fields RFC 5322 §3.6 requires or that real clients always write,
/// executable attachments, HTML without a text part, and links whose text names another site than they lead to. Pure:
/// reads a parsed message, never throws.
/// </summary>
public static partial class SpamRules
{
    private static readonly HashSet<string> DangerousExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".exe", ".scr", ".pif", ".com", ".bat", ".cmd", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".hta", ".jar", ".lnk", ".msi", ".iso", ".ps1",
    };

    public static IReadOnlyList<SpamHit> Evaluate(MimeMessage message, DateTimeOffset now)
    {
        var hits = new List<SpamHit>();
        var headers = message.Headers;
        if (!headers.Contains(HeaderId.Date)) hits.Add(new("MISSING_DATE", 1.4));
        else if (DateUtils.TryParse(headers[HeaderId.Date], out var date) && date > now.AddDays(1)) hits.Add(new("DATE_IN_FUTURE", 1.5));
        if (!headers.Contains(HeaderId.MessageId)) hits.Add(new("MISSING_MID", 0.5));
        int froms = headers.Count(h => h.Id == HeaderId.From);
        if (froms == 0) hits.Add(new("MISSING_FROM", 2.0));
        else if (froms > 1) hits.Add(new("MULTIPLE_FROM", 2.5));
        if (!headers.Contains(HeaderId.Subject)) hits.Add(new("MISSING_SUBJECT", 0.5));
        else if (IsShouting(message.Subject)) hits.Add(new("SUBJ_ALL_CAPS", 0.8));
        if (message.To.Count + message.Cc.Count > 50) hits.Add(new("MANY_RECIPIENTS", 1.0));
        if (message.HtmlBody is { } html)
        {
            if (message.TextBody is null) hits.Add(new("HTML_ONLY", 0.7));
            if (HasMismatchedLink(html)) hits.Add(new("LINK_TEXT_MISMATCH", 2.5));
        }
        foreach (var attachment in message.Attachments)
        {
            string? name = (attachment as MimePart)?.FileName ?? attachment.ContentType.Name;
            if (name is not null && DangerousExtensions.Contains(Path.GetExtension(name)))
            {
                hits.Add(new("EXECUTABLE_ATTACHMENT", 4.0));
                break;
            }
        }
        return hits;
    }

    /// <summary>A subject of at least 10 letters, all capitals.</summary>
    private static bool IsShouting(string? subject)
    {
        if (subject is null) return false;
        int letters = subject.Count(char.IsLetter);
        return letters >= 10 && subject.Where(char.IsLetter).All(char.IsUpper);
    }

    /// <summary>An anchor whose visible text is a URL or host name of another site than its href.</summary>
    private static bool HasMismatchedLink(string html)
    {
        foreach (Match m in Anchor().Matches(html))
        {
            string? target = HostOf(m.Groups["href"].Value);
            string? shown = HostOf(m.Groups["text"].Value.Trim());
            if (target is not null && shown is not null && !SameSite(target, shown)) return true;
        }
        return false;
    }

    private static string? HostOf(string text)
    {
        string candidate = text.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? text : "http://" + text;
        if (!text.Contains('.', StringComparison.Ordinal) || text.Contains(' ', StringComparison.Ordinal)) return null;
        return Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && uri.Host.Contains('.', StringComparison.Ordinal)
            ? uri.Host.ToLower(CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The same host, or one a subdomain of the other's last two labels.</summary>
    private static bool SameSite(string a, string b)
    {
        static string Base(string host)
        {
            string[] labels = host.Split('.');
            return labels.Length <= 2 ? host : string.Join('.', labels[^2..]);
        }
        return Base(a) == Base(b);
    }

    [GeneratedRegex("<a\\s[^>]*href\\s*=\\s*[\"'](?<href>[^\"']+)[\"'][^>]*>(?<text>[^<]{1,200})</a>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Anchor();
}
