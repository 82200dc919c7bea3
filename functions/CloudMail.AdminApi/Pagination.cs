using System.Buffers.Text;
using System.Collections.Specialized;
using System.Text;

namespace CloudMail.AdminApi;

/// <summary>
/// <c>?limit=&amp;cursor=</c> on every list: items are ordered by a stable key (ordinal), a page holds at most
/// <c>limit</c> of them (default <see cref="DefaultLimit"/>, at most <see cref="MaxLimit"/>), and <c>next</c> is the link to
/// the items after the last one shown, with an opaque cursor (base64url of the last key). Items added or removed between
/// pages do not repeat or skip others. Malformed values are 400.
/// </summary>
public static class Pagination
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    private const string CursorVersion = "1:";

    /// <summary>What a request asks for: the page size and the key after which the page starts (null: from the start).</summary>
    public readonly record struct PageRequest(int Limit, string? After);

    /// <summary>Reads <c>limit</c> and <c>cursor</c> from <paramref name="query"/>; null with a 400 problem when either is malformed.</summary>
    public static PageRequest? Read(NameValueCollection query, out AdminProblem? problem)
    {
        problem = null;
        int limit = DefaultLimit;
        if (query["limit"] is { } text && (!int.TryParse(text, System.Globalization.NumberStyles.None, null, out limit) || limit is < 1 or > MaxLimit))
        {
            problem = AdminProblem.Malformed($"limit must be a whole number from 1 to {MaxLimit}.", new Dictionary<string, string[]> { ["limit"] = [$"from 1 to {MaxLimit}"] });
            return null;
        }
        string? after = null;
        if (query["cursor"] is { } cursor && (after = Decode(cursor)) is null)
        {
            problem = AdminProblem.Malformed("cursor is not a cursor this API returned; start again without it.", new Dictionary<string, string[]> { ["cursor"] = ["not a cursor of this API"] });
            return null;
        }
        return new PageRequest(limit, after);
    }

    /// <summary>
    /// The page of <paramref name="items"/> that <paramref name="request"/> asks for, ordered by <paramref name="key"/>; <c>next</c>
    /// repeats the other parameters of <paramref name="query"/> on <paramref name="path"/>.
    /// </summary>
    public static Page<TView> Page<T, TView>(IEnumerable<T> items, Func<T, string> key, Func<T, TView> view, PageRequest request, string path, NameValueCollection query)
    {
        var ordered = items.Select(item => (Key: key(item), Item: item))
            .Where(x => request.After is null || string.CompareOrdinal(x.Key, request.After) > 0)
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .Take(request.Limit + 1)
            .ToList();
        bool more = ordered.Count > request.Limit;
        if (more) ordered.RemoveAt(ordered.Count - 1);
        string? next = more ? NextLink(path, query, request.Limit, ordered[^1].Key) : null;
        return new Page<TView>([.. ordered.Select(x => view(x.Item))], next);
    }

    private static string NextLink(string path, NameValueCollection query, int limit, string lastKey)
    {
        var link = new StringBuilder(AdminApiHttp.BasePath).Append('/').Append(path).Append('?');
        foreach (string? name in query.AllKeys)
        {
            if (name is null or "limit" or "cursor") continue;
            link.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(query[name] ?? "")).Append('&');
        }
        return link.Append("limit=").Append(limit).Append("&cursor=").Append(Encode(lastKey)).ToString();
    }

    private static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(CursorVersion + key));

    private static string? Decode(string cursor)
    {
        try
        {
            string text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return text.StartsWith(CursorVersion, StringComparison.Ordinal) ? text[CursorVersion.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
