using System.Globalization;
using System.Text.Json;

namespace CloudMail.Filtering.Spam;

/// <summary>One symbol rspamd reported, with the score it added (often 0: informational).</summary>
public sealed record RspamdSymbol(string Name, double Score)
{
    /// <summary><c>NAME(score)</c>, as the headers list it.</summary>
    public override string ToString() => $"{Name}({Score.ToString("0.##", CultureInfo.InvariantCulture)})";
}

/// <summary>
/// What rspamd's <c>/checkv2</c> answered (the JSON protocol of rspamd's normal worker): its total
/// <paramref name="Score"/>, the <paramref name="Action"/> its thresholds chose (<c>no action</c>, <c>greylist</c>,
/// <c>add header</c>, <c>rewrite subject</c>, <c>soft reject</c>, <c>reject</c>), the <paramref name="Symbols"/> with a
/// score other than 0 (strongest first) and whether rspamd <paramref name="Skipped"/> the message (settings said so).
/// </summary>
public sealed record RspamdReply(double Score, string Action, IReadOnlyList<RspamdSymbol> Symbols, bool Skipped)
{
    /// <summary>Most symbols kept: a reply names dozens; the headers carry the strongest.</summary>
    public const int MaxSymbols = 30;

    /// <summary>Parses a <c>/checkv2</c> body; null when it is not JSON of that shape. Pure, never throws.</summary>
    public static RspamdReply? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            bool skipped = root.TryGetProperty("is_skipped", out var s) && s.ValueKind == JsonValueKind.True;
            if (!root.TryGetProperty("score", out var score) || score.ValueKind != JsonValueKind.Number || !score.TryGetDouble(out double total) || !double.IsFinite(total)) return skipped ? new RspamdReply(0, "no action", [], true) : null;
            string action = root.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "no action";
            var symbols = new List<RspamdSymbol>();
            if (root.TryGetProperty("symbols", out var list) && list.ValueKind == JsonValueKind.Object)
            {
                foreach (var symbol in list.EnumerateObject())
                {
                    if (symbol.Value.ValueKind == JsonValueKind.Object && symbol.Value.TryGetProperty("score", out var w) && w.ValueKind == JsonValueKind.Number && w.TryGetDouble(out double weight)
                        && double.IsFinite(weight) && weight != 0 && Token(symbol.Name) is { Length: > 0 } name)
                        symbols.Add(new RspamdSymbol(name, weight));
                }
            }
            return new RspamdReply(total, Token(action.Replace(' ', '_')).Replace('_', ' '),
                [.. symbols.OrderByDescending(x => Math.Abs(x.Score)).ThenBy(x => x.Name, StringComparer.Ordinal).Take(MaxSymbols)], skipped);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null; // not JSON, or JSON whose names or strings are not valid UTF-8 (System.Text.Json throws the latter when read)
        }
    }

    /// <summary>The reply's action is one that files the message in Junk (<c>add header</c>, <c>rewrite subject</c>).</summary>
    public bool SaysJunk => Action is "add header" or "rewrite subject";

    /// <summary>The reply's action is <c>reject</c>.</summary>
    public bool SaysReject => Action == "reject";

    /// <summary>
    /// A name as it may appear in a header field: letters, digits, <c>_ . -</c> only, at most 64 characters (rspamd's names
    /// are such; anything else in a reply is dropped rather than written into the message).
    /// </summary>
    private static string Token(string value)
    {
        var kept = value.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-').Take(64).ToArray();
        return new string(kept);
    }
}
