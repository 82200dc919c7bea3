using System.Text;
using CloudMail.Filtering.Spam;

namespace CloudMail.Filtering.Tests.Spam;

/// <summary>Reading rspamd's <c>/checkv2</c> JSON (<see cref="RspamdReply.Parse"/>): pure, never throws.</summary>
public sealed class RspamdReplyTests
{
    private static RspamdReply? Parse(string json) => RspamdReply.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_reply_gives_score_action_and_the_scoring_symbols_strongest_first()
    {
        var reply = Parse("""
            {"is_skipped":false,"score":6.3,"required_score":15.0,"action":"add header","symbols":{
             "RDNS_NONE":{"name":"RDNS_NONE","score":1.0},"TO_DN_NONE":{"name":"TO_DN_NONE","score":0.0},
             "MIME_GOOD":{"name":"MIME_GOOD","score":-0.1},"HFILTER_HOSTNAME_UNKNOWN":{"name":"HFILTER_HOSTNAME_UNKNOWN","score":2.5}},
             "messages":{},"message-id":"x1@example.net"}
            """)!;

        Assert.Equal(6.3, reply.Score);
        Assert.Equal("add header", reply.Action);
        Assert.True(reply.SaysJunk);
        Assert.Equal(["HFILTER_HOSTNAME_UNKNOWN(2.5)", "RDNS_NONE(1)", "MIME_GOOD(-0.1)"], reply.Symbols.Select(s => s.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"action\":\"reject\"}")]
    [InlineData("{\"score\":\"high\"}")]
    [InlineData("{\"score\":1e999}")]
    public void Anything_else_is_no_reply(string json) => Assert.Null(Parse(json));

    [Fact]
    public void Names_that_could_break_a_header_are_cleaned()
    {
        var reply = Parse("{\"score\":1,\"action\":\"add\\r\\nX-Evil: 1 header\",\"symbols\":{\"BAD\\r\\nX-Evil: yes\":{\"score\":1}}}")!;

        Assert.Equal("BADX-Evilyes(1)", Assert.Single(reply.Symbols).ToString());
        Assert.DoesNotContain('\n', reply.Action);
    }

    [Fact]
    public void A_skipped_message_is_a_skipped_reply() => Assert.True(Parse("{\"is_skipped\":true}")!.Skipped);

    [Fact]
    public void Names_and_strings_that_are_not_UTF_8_are_no_reply()
    {
        // Found by afl++ (build/fuzz.sh peer-replies): System.Text.Json throws InvalidOperationException, not JsonException,
        // when a property name or string value holds invalid UTF-8 and is read.
        byte[] badName = [.. "{\"score\":1,\"symbols\":{\""u8, 0xE5, .. "\":{\"score\":1}}}"u8];
        byte[] badAction = [.. "{\"score\":1,\"action\":\""u8, 0xFF, .. "\"}"u8];

        Assert.Null(RspamdReply.Parse(badName));
        Assert.Null(RspamdReply.Parse(badAction));
    }
}
