using System.Text;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Tests.Imap;

/// <summary>The RFC 9208 commands' grammar (§6): GETQUOTAROOT, GETQUOTA, SETQUOTA.</summary>
public class ImapQuotaCommandTests
{
    private static ImapReadResult ReadOne(string input)
    {
        var h = new ReaderHarness(null);
        h.Push(Encoding.UTF8.GetBytes(input));
        return Assert.Single(h.Results);
    }

    private static T Command<T>(string input) where T : ImapCommand =>
        Assert.IsType<T>(Assert.IsType<ImapCommandReady>(ReadOne(input)).Command);

    [Fact]
    public void Getquotaroot_takes_a_mailbox()
    {
        var command = Command<MailboxCommand>("a getquotaroot \"Sent Items\"\r\n");
        Assert.Equal(("GETQUOTAROOT", "Sent Items"), (command.Name, command.Mailbox));
    }

    [Theory]
    [InlineData("a GETQUOTA \"\"\r\n", "")]
    [InlineData("a GETQUOTA user\r\n", "user")]
    [InlineData("a GETQUOTA {3+}\r\nabc\r\n", "abc")]
    public void Getquota_takes_an_astring_root(string input, string root)
    {
        Assert.Equal(root, Command<GetQuotaCommand>(input).Root);
    }

    [Fact]
    public void Setquota_reads_each_resource_and_limit()
    {
        var command = Command<SetQuotaCommand>("a SETQUOTA \"\" (storage 512 MESSAGE 1000)\r\n");
        Assert.Equal([("STORAGE", 512UL), ("MESSAGE", 1000UL)], command.Limits);
        Assert.Empty(Command<SetQuotaCommand>("a SETQUOTA \"\" ()\r\n").Limits);
    }

    [Theory]
    [InlineData("a GETQUOTA\r\n")]
    [InlineData("a SETQUOTA \"\"\r\n")]
    [InlineData("a SETQUOTA \"\" (STORAGE)\r\n")]
    [InlineData("a SETQUOTA \"\" (STORAGE x)\r\n")]
    [InlineData("a SETQUOTA \"\" (STORAGE 1\r\n")]
    [InlineData("a GETQUOTAROOT\r\n")]
    public void Malformed_quota_commands_are_BAD(string input)
    {
        var rejected = Assert.IsType<ImapRejected>(ReadOne(input));
        Assert.Equal(ImapStatus.Bad, rejected.Status);
    }
}
