namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// APPEND's date-time (RFC 9051 §6.3.12) is a wall-clock time and a zone; one whose instant lies outside the years 1 to
/// 9999 in UTC cannot be held and is refused with BAD, the session going on, rather than ending the connection.
/// </summary>
[Collection(ImapCollection.Name)]
public class ImapAppendDateTests(ImapServerFixture fixture)
{
    [Theory]
    [InlineData("31-Dec-9999 23:59:59 -1400")] // the year 10000 in UTC
    [InlineData("01-Jan-0001 00:00:00 +0001")] // the year 0 in UTC
    public async Task A_date_time_outside_what_utc_can_hold_is_refused_and_the_session_goes_on(string dateTime)
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        await c.SendAsync($"a APPEND INBOX \"{dateTime}\" {{3+}}\r\nx\r\n\r\n");
        Assert.StartsWith("a BAD ", (await c.ReadUntilTaggedAsync("a"))[^1]);
        Assert.Equal("b OK NOOP completed", (await c.CommandAsync("b NOOP", "b"))[^1]);
    }

    [Theory]
    [InlineData("31-Dec-9999 23:59:59 +1400")]
    [InlineData("01-Jan-0001 00:00:00 -1400")]
    public async Task A_date_time_at_the_edge_of_what_utc_can_hold_is_stored_and_given_back(string dateTime)
    {
        var (_, c) = await fixture.NewRawLoginAsync();
        await using var _c = c;
        await c.SendAsync($"a APPEND INBOX \"{dateTime}\" {{3+}}\r\nx\r\n\r\n");
        Assert.StartsWith("a OK [APPENDUID", (await c.ReadUntilTaggedAsync("a"))[^1]);
        await c.CommandAsync("s SELECT INBOX", "s");
        var fetched = await c.CommandAsync("f FETCH 1 INTERNALDATE", "f");
        Assert.Equal($"* 1 FETCH (INTERNALDATE \"{dateTime}\")", fetched[0]);
    }
}
