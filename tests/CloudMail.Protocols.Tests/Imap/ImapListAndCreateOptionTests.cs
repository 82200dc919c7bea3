using System.Text;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Tests.Imap;

/// <summary>LIST-EXTENDED options (RFC 5258 §3) and CREATE's USE parameter (RFC 6154 §3) as the parser reads them.</summary>
public class ImapListAndCreateOptionTests
{
    private static ImapReadResult ReadOne(string line)
    {
        var h = new ReaderHarness();
        h.Push(Encoding.UTF8.GetBytes(line + "\r\n"));
        return Assert.Single(h.Results);
    }

    private static T Command<T>(string line) where T : ImapCommand =>
        Assert.IsType<T>(Assert.IsType<ImapCommandReady>(ReadOne(line)).Command);

    private static string Bad(string line)
    {
        var rejected = Assert.IsType<ImapRejected>(ReadOne(line));
        Assert.Equal(ImapStatus.Bad, rejected.Status);
        return rejected.Text;
    }

    [Fact]
    public void Selection_and_return_options_are_read_upper_cased()
    {
        var list = Command<ListCommand>("l LIST (subscribed Remote RECURSIVEMATCH special-use) \"\" (% Archive/*) RETURN (children subscribed SPECIAL-USE STATUS (MESSAGES))");
        Assert.Equal(["SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE"], list.SelectionOptions);
        Assert.Equal(["CHILDREN", "SUBSCRIBED", "SPECIAL-USE", "STATUS"], list.ReturnOptions);
        Assert.Equal(["%", "Archive/*"], list.Patterns);
        Assert.Equal(["MESSAGES"], list.StatusItems!);
    }

    [Fact]
    public void Empty_option_lists_are_the_plain_list()
    {
        var list = Command<ListCommand>("l LIST () \"\" * RETURN ()");
        Assert.Empty(list.SelectionOptions);
        Assert.Empty(list.ReturnOptions);
    }

    [Theory]
    [InlineData("l LIST (BOGUS) \"\" *", "Unknown LIST option BOGUS")]
    [InlineData("l LIST \"\" * RETURN (BOGUS)", "Unknown LIST option BOGUS")]
    [InlineData("l LIST (CHILDREN) \"\" *", "Unknown LIST option CHILDREN")]
    [InlineData("l LIST (RECURSIVEMATCH) \"\" *", "RECURSIVEMATCH needs another selection option")]
    [InlineData("l LIST (REMOTE RECURSIVEMATCH) \"\" *", "RECURSIVEMATCH needs another selection option")]
    public void Unknown_options_and_a_lone_recursivematch_are_bad(string line, string reason) =>
        Assert.Contains(reason, Bad(line), StringComparison.Ordinal);

    [Fact]
    public void Create_reads_the_special_use_attributes()
    {
        var create = Command<CreateCommand>("c CREATE Archive/2024 (USE (\\Archive))");
        Assert.Equal(("Archive/2024", false), (create.Mailbox, create.EightBit));
        Assert.Equal(["\\Archive"], create.Use);
        Assert.Equal(["\\Sent", "\\Bogus"], Command<CreateCommand>("c CREATE x (use (\\Sent \\Bogus))").Use);
        Assert.Empty(Command<CreateCommand>("c CREATE x (USE ())").Use);
        Assert.Empty(Command<CreateCommand>("c CREATE x").Use);
    }

    [Theory]
    [InlineData("c CREATE x (COLOR (red))")]
    [InlineData("c CREATE x (USE (Archive))")]
    [InlineData("c CREATE x (USE \\Archive)")]
    [InlineData("c CREATE x (USE (\\Archive)")]
    [InlineData("c CREATE x ()")]
    public void Malformed_or_unknown_create_parameters_are_bad(string line) => Bad(line);
}
