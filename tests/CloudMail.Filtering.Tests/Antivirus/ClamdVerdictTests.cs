using CloudMail.Filtering.Antivirus;

namespace CloudMail.Filtering.Tests.Antivirus;

public sealed class ClamdVerdictTests
{
    [Theory]
    [InlineData("stream: OK\0", "clean")]
    [InlineData("stream: Eicar-Test-Signature FOUND\0", "infected Eicar-Test-Signature")]
    [InlineData("stream: Win.Test.EICAR_HDB-1 FOUND\n", "infected Win.Test.EICAR_HDB-1")]
    [InlineData("INSTREAM size limit exceeded. ERROR\0", "failed")]
    [InlineData("", "failed")]
    [InlineData("stream: FOUND", "failed")]
    [InlineData("garbage\u0001\u0002", "failed")]
    public void Replies_are_read_as_clean_infected_or_failed_and_nothing_throws(string reply, string expected)
    {
        string actual = ClamdVerdict.Parse(reply) switch
        {
            ClamdVerdict.Clean => "clean",
            ClamdVerdict.Infected i => "infected " + i.Signature,
            _ => "failed",
        };
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("1: stream: OK", 1, "clean")]
    [InlineData("12: stream: Eicar-Test-Signature FOUND", 12, "infected Eicar-Test-Signature")]
    [InlineData("3: INSTREAM size limit exceeded. ERROR", 3, "failed")]
    [InlineData("2: stream: OK", 3, "failed")]
    [InlineData("stream: OK", 4, "clean")]
    [InlineData("99999999999: stream: OK", 1, "failed")]
    [InlineData(": stream: OK", 1, "failed")]
    [InlineData("", 1, "failed")]
    public void Session_replies_carry_the_request_number_and_a_reply_to_another_request_is_a_failure(string reply, int id, string expected)
    {
        string actual = ClamdVerdict.ParseSessionReply(reply, id) switch
        {
            ClamdVerdict.Clean => "clean",
            ClamdVerdict.Infected i => "infected " + i.Signature,
            _ => "failed",
        };
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:3310", "127.0.0.1", 3310, null)]
    [InlineData("tcp://[::1]:3310", "::1", 3310, null)]
    [InlineData("unix:/run/clamav/clamd.ctl", null, 0, "/run/clamav/clamd.ctl")]
    public void Endpoints_are_tcp_or_unix(string text, string? host, int port, string? path) =>
        Assert.Equal(new ClamdEndpoint(host, port, path), ClamdEndpoint.TryParse(text));

    [Theory]
    [InlineData("127.0.0.1:3310")]
    [InlineData("tcp://host")]
    [InlineData("tcp://:3310")]
    [InlineData("tcp://host:99999")]
    [InlineData("unix:relative")]
    [InlineData("")]
    public void Anything_else_is_no_endpoint(string text) => Assert.Null(ClamdEndpoint.TryParse(text));
}
