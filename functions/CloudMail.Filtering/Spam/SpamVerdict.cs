using System.Globalization;
using System.Text;
using CloudMail.Core.Filtering;

namespace CloudMail.Filtering.Spam;

/// <summary>
/// The spam verdict of one message: CloudMail's own rule hits merged with rspamd's reply, when rspamd scored it. Pure.
/// <list type="bullet">
/// <item>Score: the built-in rules' weights plus rspamd's total score (both on SpamAssassin's scale, where 5 is spam;
/// rspamd's default thresholds are 6 for <c>add header</c> and 15 for <c>reject</c>). CloudMail's thresholds
/// (<see cref="SpamOptions.JunkThreshold"/>, <see cref="SpamOptions.RejectThreshold"/>) apply to the sum.</item>
/// <item>Action (with <see cref="RspamdOptions.FollowActions"/>): the stronger of the thresholds' decision and rspamd's
/// action: <c>reject</c> refuses, <c>add header</c> and <c>rewrite subject</c> file in Junk; <c>greylist</c>,
/// <c>soft reject</c> and <c>no action</c> change nothing (CloudMail greylists on its own, at RCPT).</item>
/// <item>rspamd unavailable, skipped or not asked: the built-in verdict alone, said so in <c>X-Spam-Rspamd</c>.</item>
/// </list>
/// </summary>
public static class SpamVerdict
{
    /// <summary>The verdict of <paramref name="hits"/> and <paramref name="rspamd"/>'s reply (null: <paramref name="rspamdNote"/> says why there is none, null when rspamd is not configured).</summary>
    public static InboundVerdict Merge(IReadOnlyList<SpamHit> hits, RspamdReply? rspamd, string? rspamdNote, SpamOptions options,
        Func<string, bool> removeField)
    {
        ArgumentNullException.ThrowIfNull(hits);
        ArgumentNullException.ThrowIfNull(options);
        double builtIn = hits.Sum(h => h.Score);
        double score = Math.Round(builtIn + (rspamd?.Score ?? 0), 1);
        string tests = hits.Count == 0 ? "none" : string.Join(',', hits.Select(h => h.Rule));
        string s = Format(score), required = Format(options.JunkThreshold);
        bool follow = rspamd is not null && options.Rspamd.FollowActions;
        string rspamdPart = rspamd is null ? (rspamdNote is null ? "" : $"; rspamd {rspamdNote}") : $"; rspamd {Format(rspamd.Score)} {rspamd.Action}";
        if (score >= options.RejectThreshold || (follow && rspamd!.SaysReject))
        {
            string why = score >= options.RejectThreshold ? $"score {s}, {tests}" : $"rspamd action reject, score {Format(rspamd!.Score)}";
            return new InboundVerdict(new InboundRejection(550, "5.7.1", $"Message refused as spam ({why})"), string.Empty, null, $"spam {s} refused{rspamdPart}");
        }
        bool junk = score >= options.JunkThreshold || (follow && rspamd!.SaysJunk);
        var headers = new StringBuilder()
            .Append("X-Spam-Score: ").Append(s).Append("\r\n")
            .Append("X-Spam-Status: ").Append(junk ? "Yes" : "No").Append(", score=").Append(s).Append(" required=").Append(required)
            .Append(" tests=").Append(tests);
        if (rspamd is not null) headers.Append(" rspamd=").Append(Format(rspamd.Score));
        headers.Append("\r\n");
        if (rspamd is not null) headers.Append(Folded($"X-Spam-Rspamd: score={Format(rspamd.Score)} action=\"{rspamd.Action}\" symbols=", rspamd.Symbols.Select(x => x.ToString())));
        else if (rspamdNote is not null) headers.Append("X-Spam-Rspamd: ").Append(rspamdNote).Append("\r\n");
        if (junk) headers.Append("X-Spam-Flag: YES\r\n");
        return new InboundVerdict(null, headers.ToString(), removeField, $"spam {s} ({tests}{rspamdPart})", junk);
    }

    private static string Format(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A header field of <paramref name="start"/> then the comma-separated items, folded before a line passes 78 characters (RFC 5322 §2.2.3).</summary>
    private static string Folded(string start, IEnumerable<string> items)
    {
        var field = new StringBuilder(start);
        int lineLength = start.Length;
        bool first = true;
        foreach (string item in items.DefaultIfEmpty("none"))
        {
            if (!first)
            {
                field.Append(',');
                lineLength++;
            }
            if (lineLength + item.Length > 76)
            {
                field.Append("\r\n\t");
                lineLength = 1;
            }
            field.Append(item);
            lineLength += item.Length;
            first = false;
        }
        return field.Append("\r\n").ToString();
    }
}
