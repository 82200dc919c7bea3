using CloudMail.Protocols.Imap.Sorting;

namespace CloudMail.Protocols.Tests.Imap.Sorting;

/// <summary>Base subject extraction, RFC 5256 §2.1, step by step.</summary>
public class BaseSubjectTests
{
    [Theory]
    [InlineData("Re: foo", "foo")]
    [InlineData("RE: Re: re:foo", "foo")]
    [InlineData("Fwd: foo", "foo")]
    [InlineData("FW: foo", "foo")]
    [InlineData("Re [2]: foo", "foo")]
    [InlineData("Re[3]:foo", "foo")]
    [InlineData("[list] Re: foo", "foo")]
    [InlineData("[PATCH 1/2] Re: [list] Fwd: foo", "foo")]
    [InlineData("foo (fwd)", "foo")]
    [InlineData("foo (FWD) (fwd)  ", "foo")]
    [InlineData("[fwd: foo]", "foo")]
    [InlineData("Re: [Fwd: Re: [list] foo (fwd)]", "foo")]
    [InlineData("Re:", "")]
    public void Reply_and_forward_markers_go_and_mark_the_subject_as_a_reply(string subject, string expected)
    {
        var result = BaseSubject.Extract(subject);
        Assert.Equal(expected, result.Text);
        Assert.True(result.IsReplyOrForward);
    }

    [Theory]
    [InlineData("foo", "foo")]
    [InlineData("  foo\t\t bar \r\n baz  ", "foo bar baz")] // step 1: whitespace runs become one space
    [InlineData("[list] foo", "foo")] // step 4: a leading blob goes when something is left
    [InlineData("[list]", "[list]")] // ... and stays when nothing would be left
    [InlineData("[a] [b]", "[b]")]
    [InlineData("Ref: foo", "Ref: foo")] // "re" must be followed by WSP, a blob or ":"
    [InlineData("Reply: foo", "Reply: foo")]
    [InlineData("foo [fwd: bar]", "foo [fwd: bar]")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Other_subjects_keep_their_text_and_are_not_replies(string? subject, string expected)
    {
        var result = BaseSubject.Extract(subject);
        Assert.Equal(expected, result.Text);
        Assert.False(result.IsReplyOrForward);
    }

    [Fact]
    public void Long_runs_of_markers_are_removed_in_one_pass()
    {
        string many = string.Concat(Enumerable.Repeat("Re: [list] Fwd: ", 200_000)) + "x" + string.Concat(Enumerable.Repeat(" (fwd)", 200_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.Equal(new BaseSubjectResult("x", true), BaseSubject.Extract(many));
        Assert.Equal("[" + new string('a', 500_000), BaseSubject.Extract("[" + new string('a', 500_000)).Text);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString()); // quadratic copying takes minutes
    }

    [Fact]
    public void Base_subjects_compare_with_ascii_case_mapping_only()
    {
        Assert.Equal(0, AsciiCaseMap.Instance.Compare(BaseSubject.Extract("Re: HELLO world").Text, BaseSubject.Extract("hello WORLD").Text));
        Assert.True(AsciiCaseMap.Instance.Compare("alice", "Bob") < 0); // ordinal would put "Bob" first
        Assert.NotEqual(0, AsciiCaseMap.Instance.Compare("été", "ÉTÉ")); // i;ascii-casemap folds a-z only
        Assert.True(AsciiCaseMap.Instance.Compare("\uFFFD", "\U0001F600") < 0); // code point order, as UTF-8 octets
        Assert.Equal(AsciiCaseMap.Instance.GetHashCode("Subject"), AsciiCaseMap.Instance.GetHashCode("SUBJECT"));
    }
}
