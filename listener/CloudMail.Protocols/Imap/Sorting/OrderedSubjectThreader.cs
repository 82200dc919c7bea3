namespace CloudMail.Protocols.Imap.Sorting;

/// <summary>
/// THREAD=ORDEREDSUBJECT (RFC 5256 §3): messages sorted by base subject then sent date, split into threads of equal
/// base subject, threads ordered by the sent date of their first message; the first message is the top, the second
/// its child, and later ones siblings of the second. Pure.
/// </summary>
public static class OrderedSubjectThreader
{
    /// <summary>The threads, in order.</summary>
    public static IReadOnlyList<ThreadNode> Thread(IEnumerable<ThreadMessage> messages)
    {
        var groups = messages
            .GroupBy(m => m.Subject.Text, AsciiCaseMap.Instance)
            .Select(g => g.OrderBy(m => m.SentDate).ThenBy(m => m.Order).ToList())
            .OrderBy(g => g[0].SentDate).ThenBy(g => g[0].Order);
        var roots = new List<ThreadNode>();
        foreach (var group in groups)
        {
            var top = new ThreadNode(group[0]);
            foreach (var m in group.Skip(1)) top.Children.Add(new ThreadNode(m) { Parent = top });
            roots.Add(top);
        }
        return roots;
    }
}
