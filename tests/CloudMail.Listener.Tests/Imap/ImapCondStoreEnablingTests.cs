using System.Text.RegularExpressions;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// CONDSTORE turned on by a command rather than SELECT (CONDSTORE) (RFC 7162 §3.1), and the MODSEQ of an ESEARCH that
/// returns only MIN and/or MAX (RFC 4731 §3.2).
/// </summary>
[Collection(ImapCollection.Name)]
public partial class ImapCondStoreEnablingTests(ImapServerFixture fixture)
{
    private async Task<(string User, RawImapClient Client)> SelectedAsync(int messages)
    {
        var (user, c) = await fixture.NewRawLoginAsync();
        for (int i = 1; i <= messages; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", ImapTest.TextMessage("m" + i));
        await c.CommandAsync("s SELECT INBOX", "s");
        return (user, c);
    }

    [GeneratedRegex(@"^\* OK \[HIGHESTMODSEQ (\d+)\]")]
    private static partial Regex HighestModSeq();

    [Theory]
    [InlineData("f FETCH 1 (MODSEQ)")]
    [InlineData("f SEARCH MODSEQ 1")]
    [InlineData("f STORE 1 (UNCHANGEDSINCE 1000) +FLAGS (\\Seen)")]
    public async Task First_enabling_command_while_selected_reports_HIGHESTMODSEQ_once(string command)
    {
        var (_, c) = await SelectedAsync(2);
        await using var _c = c;
        var first = await c.CommandAsync(command, "f");
        Assert.Single(first, l => HighestModSeq().IsMatch(l));
        Assert.StartsWith("f OK", first[^1]);
        var second = await c.CommandAsync("g FETCH 1:* (MODSEQ)", "g");
        Assert.DoesNotContain(second, l => HighestModSeq().IsMatch(l));
    }

    [GeneratedRegex(@"MODSEQ \((\d+)\)")]
    private static partial Regex FetchModSeq();

    [Fact]
    public async Task Esearch_min_or_max_alone_carries_the_modseq_of_the_message_returned()
    {
        var (_, c) = await SelectedAsync(4);
        await using var _c = c;
        await c.CommandAsync("c FETCH 1 (MODSEQ)", "c"); // CONDSTORE on: STORE answers carry MODSEQ
        var modSeq = new Dictionary<int, ulong>();
        foreach (int seq in new[] { 1, 3, 2, 4 })
        {
            var lines = await c.CommandAsync($"t{seq} STORE {seq} +FLAGS (\\Seen)", $"t{seq}");
            modSeq[seq] = ulong.Parse(FetchModSeq().Match(string.Join("\n", lines)).Groups[1].Value);
        }
        Assert.True(modSeq[1] < modSeq[3] && modSeq[3] < modSeq[2] && modSeq[2] < modSeq[4]);

        async Task<string> Esearch(string tag, string args) => (await c.CommandAsync($"{tag} SEARCH {args}", tag))[0];
        Assert.Equal($"* ESEARCH (TAG \"a\") MIN 1 MODSEQ {modSeq[1]}", await Esearch("a", "RETURN (MIN) 1:3 MODSEQ \"/flags/\\\\seen\" all 1"));
        Assert.Equal($"* ESEARCH (TAG \"b\") MAX 3 MODSEQ {modSeq[3]}", await Esearch("b", "RETURN (MAX) 1:3 MODSEQ \"/flags/\\\\seen\" all 1"));
        Assert.Equal($"* ESEARCH (TAG \"d\") MIN 2 MAX 3 MODSEQ {modSeq[2]}", await Esearch("d", "RETURN (MIN MAX) 2:3 MODSEQ 1"));
        // With ALL or COUNT the MODSEQ is the highest of every match (RFC 7162 §3.1.5).
        Assert.Equal($"* ESEARCH (TAG \"e\") ALL 1:3 MODSEQ {modSeq[2]}", await Esearch("e", "RETURN () 1:3 MODSEQ 1"));
        Assert.Equal($"* ESEARCH (TAG \"g\") MIN 1 COUNT 3 MODSEQ {modSeq[2]}", await Esearch("g", "RETURN (MIN COUNT) 1:3 MODSEQ 1"));
    }
}
