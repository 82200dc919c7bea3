using CloudMail.Core.Mailboxes.Search;
using CloudMail.Storage.Embedded.Mailboxes;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Search;

/// <summary>
/// <see cref="IMessageTextIndex"/> over the FTS5 table <c>search_text</c> of mail.db (<see cref="SearchIndexSchema"/>),
/// answered in one read transaction together with the mailbox's <c>messages</c> rows, so expunged messages are never
/// found and a copied or moved message is found in its new mailbox at once (the document belongs to the blob, which the
/// copy shares). A needle of three or more characters is looked up by trigrams that cover it (the documents holding all of
/// them; the index keeps no positions, <see cref="SearchIndexSchema.V5"/>), and those of the mailbox are then tested with
/// <c>instr</c> on their stored folded text: an exact substring test, as SEARCH's case-insensitive "contains". A shorter
/// needle, which trigrams cannot index, is tested with <c>instr</c> on the stored text of all the mailbox's documents.
/// </summary>
internal sealed class SqliteMessageTextIndex(SqliteDatabase db) : IMessageTextIndex
{
    private const string CoveredSql = """
        SELECT m.uid FROM messages m JOIN search_docs d ON d.blob_id = m.blob_id
        WHERE m.mailbox_id = @m AND d.truncated = 0
        """;

    /// <summary>
    /// At most this many trigrams of a needle are looked up. Each is a list of the documents holding it, and the lookup
    /// walks every list; <c>instr</c> decides anyway, so a few trigrams that cover the needle find nearly the same
    /// candidates as all of them.
    /// </summary>
    private const int MaxTrigrams = 12;

    public Task<TextIndexAnswer?> SearchAsync(string account, string mailbox, uint uidValidity, IReadOnlyList<TextQuery> queries,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (queries.FirstOrDefault(q => !TextQuery.Answerable(q.Needle)) is { } bad)
            throw new ArgumentException($"The index cannot answer the needle of a {bad.Field} query.", nameof(queries));
        string a = MailboxKeys.Account(account);
        string n = MailboxKeys.Mailbox(mailbox);
        return db.ReadAsync(c =>
        {
            if (MailboxTable.Find(c, a, n) is not { } box || box.UidValidity != uidValidity) return null;
            var covered = c.Query(CoveredSql, r => (uint)r.GetInt64(0), ("@m", box.Id)).ToHashSet();
            List<IReadOnlySet<uint>> matches = [.. queries.Select(q => Match(c, box.Id, q))];
            return new TextIndexAnswer(covered, matches);
        }, cancellationToken);
    }

    private static HashSet<uint> Match(SqliteConnection c, long mailboxId, TextQuery query)
    {
        string needle = SearchableText.Fold(query.Needle);
        string[] columns = Columns(query.Field);
        if (TrigramQuery(needle) is { } match)
            return c.Query(MatchSql(columns), r => (uint)r.GetInt64(0), ("@q", match), ("@n", needle), ("@m", mailboxId)).ToHashSet();
        return c.Query(ShortNeedleSql(columns), r => (uint)r.GetInt64(0), ("@n", needle), ("@m", mailboxId)).ToHashSet();
    }

    /// <summary>
    /// The FTS5 query for documents holding trigrams that cover <paramref name="needle"/> side by side (at character 0, 3,
    /// 6, ... and the last three), each a quoted string of three characters, which the trigram tokenizer reads as one token;
    /// at most <see cref="MaxTrigrams"/>, spread over the needle. Null when it has fewer than three characters.
    /// </summary>
    internal static string? TrigramQuery(string needle)
    {
        string[] runes = [.. needle.EnumerateRunes().Select(r => r.ToString())];
        if (runes.Length < 3) return null;
        var starts = Enumerable.Range(0, (runes.Length - 3) / 3 + 1).Select(i => i * 3).Append(runes.Length - 3).Distinct().ToList();
        // Every step-th start and the last: ceil((count - 1) / step) + 1 <= MaxTrigrams.
        int step = starts.Count <= MaxTrigrams ? 1 : (starts.Count - 1 + MaxTrigrams - 2) / (MaxTrigrams - 1);
        var trigrams = starts.Where((_, i) => i % step == 0 || i == starts.Count - 1)
            .Select(i => string.Concat(runes[i], runes[i + 1], runes[i + 2]))
            .Distinct(StringComparer.Ordinal);
        return string.Join(" AND ", trigrams.Select(t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
    }

    /// <summary>
    /// The trigram lookup, then <c>instr</c> on the stored text of the documents of the mailbox only (the joins in this
    /// order, the text read through a second cursor on <c>search_text</c> after the mailbox filter; fixed text per column
    /// set, so statements are cached).
    /// </summary>
    private static string MatchSql(string[] columns) => $"""
        SELECT m.uid FROM search_text t CROSS JOIN search_docs d ON d.id = t.rowid CROSS JOIN messages m ON m.blob_id = d.blob_id
        CROSS JOIN search_text v ON v.rowid = t.rowid
        WHERE t.search_text MATCH @q AND m.mailbox_id = @m AND {InAnyColumn("v", columns)}
        """;

    /// <summary>The SQL test that needle <c>@n</c> is in one of <paramref name="columns"/> of the row <paramref name="alias"/>.</summary>
    private static string InAnyColumn(string alias, string[] columns) =>
        "(" + string.Join(" OR ", columns.Select(col => $"instr({alias}.{col}, @n) > 0")) + ")";

    /// <summary>Columns of <c>search_text</c> holding <paramref name="field"/>.</summary>
    private static string[] Columns(TextField field) => field switch
    {
        TextField.Body => ["body"],
        TextField.Text => ["headers", "body"],
        TextField.Subject => ["subject"],
        TextField.From => ["from_lines"],
        TextField.To => ["to_lines"],
        TextField.Cc => ["cc_lines"],
        TextField.Bcc => ["bcc_lines"],
        _ => ["headers"],
    };

    /// <summary>The scan for needles under three characters (fixed text per column set, so statements are cached).</summary>
    private static string ShortNeedleSql(string[] columns) => $"""
        SELECT m.uid FROM messages m JOIN search_docs d ON d.blob_id = m.blob_id JOIN search_text t ON t.rowid = d.id
        WHERE m.mailbox_id = @m AND {InAnyColumn("t", columns)}
        """;
}
