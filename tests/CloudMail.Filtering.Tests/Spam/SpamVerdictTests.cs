using CloudMail.Filtering.Spam;

namespace CloudMail.Filtering.Tests.Spam;

/// <summary>How the built-in rules' verdict and rspamd's reply are merged (<see cref="SpamVerdict"/>).</summary>
public sealed class SpamVerdictTests
{
    private static readonly SpamHit[] MissingDate = [new("MISSING_DATE", 1.4)];

    private static RspamdReply Reply(double score, string action, params RspamdSymbol[] symbols) => new(score, action, symbols, false);

    private static bool Never(string field) => false;

    [Fact]
    public void The_scores_are_added_and_the_sum_meets_the_junk_threshold()
    {
        var verdict = SpamVerdict.Merge(MissingDate, Reply(3.8, "no action", new RspamdSymbol("HFILTER_HOSTNAME_UNKNOWN", 2.5), new RspamdSymbol("ONCE_RECEIVED", 0.1)),
            null, new SpamOptions(), Never);

        Assert.True(verdict.Junk);
        Assert.Null(verdict.Reject);
        Assert.Equal("X-Spam-Score: 5.2\r\nX-Spam-Status: Yes, score=5.2 required=5.0 tests=MISSING_DATE rspamd=3.8\r\n"
            + "X-Spam-Rspamd: score=3.8 action=\"no action\" symbols=\r\n\tHFILTER_HOSTNAME_UNKNOWN(2.5),ONCE_RECEIVED(0.1)\r\nX-Spam-Flag: YES\r\n", verdict.HeaderFields);
        Assert.Equal("spam 5.2 (MISSING_DATE; rspamd 3.8 no action)", verdict.Summary);
    }

    [Theory]
    [InlineData("add header", true)]
    [InlineData("rewrite subject", true)]
    [InlineData("greylist", false)]
    [InlineData("soft reject", false)]
    [InlineData("no action", false)]
    public void Rspamds_action_files_in_Junk_below_CloudMails_threshold(string action, bool junk)
    {
        var verdict = SpamVerdict.Merge([], Reply(1.0, action), null, new SpamOptions(), Never);

        Assert.Equal(junk, verdict.Junk);
        Assert.Null(verdict.Reject);
    }

    [Fact]
    public void Rspamds_reject_refuses_and_without_FollowActions_only_the_sum_counts()
    {
        var refused = SpamVerdict.Merge([], Reply(2.0, "reject"), null, new SpamOptions(), Never);
        Assert.Equal("550 5.7.1 Message refused as spam (rspamd action reject, score 2.0)", refused.Reject?.ToString());

        var options = new SpamOptions { Rspamd = { FollowActions = false } };
        var kept = SpamVerdict.Merge([], Reply(2.0, "reject"), null, options, Never);
        Assert.Null(kept.Reject);
        Assert.False(kept.Junk);
        Assert.False(SpamVerdict.Merge([], Reply(2.0, "add header"), null, options, Never).Junk);
    }

    [Fact]
    public void Without_an_rspamd_reply_the_built_in_verdict_stands_and_says_why()
    {
        var verdict = SpamVerdict.Merge(MissingDate, null, "unavailable", new SpamOptions(), Never);

        Assert.False(verdict.Junk);
        Assert.Equal("X-Spam-Score: 1.4\r\nX-Spam-Status: No, score=1.4 required=5.0 tests=MISSING_DATE\r\nX-Spam-Rspamd: unavailable\r\n", verdict.HeaderFields);
        Assert.Equal("spam 1.4 (MISSING_DATE; rspamd unavailable)", verdict.Summary);
    }

    [Fact]
    public void Many_symbols_are_folded_into_lines_a_mail_reader_accepts()
    {
        var symbols = Enumerable.Range(0, RspamdReply.MaxSymbols).Select(i => new RspamdSymbol("A_RATHER_LONG_SYMBOL_NAME_" + i, 0.5)).ToArray();
        string headers = SpamVerdict.Merge([], Reply(15 * 0.5, "add header", symbols), null, new SpamOptions { RejectThreshold = 50 }, Never).HeaderFields;

        Assert.All(headers.Split("\r\n"), line => Assert.True(line.Length <= 78, line));
        Assert.Contains("A_RATHER_LONG_SYMBOL_NAME_29(0.5)", headers.Replace("\r\n\t", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
