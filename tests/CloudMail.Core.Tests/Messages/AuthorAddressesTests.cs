using System.Text;
using CloudMail.Core.Messages;

namespace CloudMail.Core.Tests.Messages;

/// <summary>The author fields read from a submitted header: From and Sender, and the newest resent block of a redirect.</summary>
public class AuthorAddressesTests
{
    private static IReadOnlyList<string>? Resent(string header) => AuthorAddresses.ReadResent(Encoding.UTF8.GetBytes(header.Replace("\n", "\r\n")));

    private static IReadOnlyList<string>? Authors(string header) => AuthorAddresses.Read(Encoding.UTF8.GetBytes(header.Replace("\n", "\r\n")));

    [Fact]
    public void The_newest_resent_block_is_read_and_older_blocks_are_not()
    {
        const string header = "Resent-Sender: me@example.test\nRESENT-FROM: Me <me@example.test>, alias@example.test\nResent-Date: x\n" +
                              "Resent-From: older@remote.test\nResent-Sender: older-sender@remote.test\nFrom: ann@remote.test\n\nbody\n";

        Assert.Equal(["me@example.test", "me@example.test", "alias@example.test"], Resent(header));
        Assert.Equal(["ann@remote.test"], Authors(header));
    }

    [Theory]
    [InlineData("From: ann@remote.test\nSubject: no resent block\n")]
    [InlineData("Resent-Sender: me@example.test\nFrom: ann@remote.test\n")] // a Resent-Sender alone names no redirector
    [InlineData("Resent-: me@example.test\nResent-Fromage: me@example.test\nResent-To: x@example.test\n")]
    [InlineData("From: ann@remote.test\n\nResent-From: me@example.test\n")] // in the body
    public void A_header_without_a_resent_from_field_is_no_redirect(string header)
    {
        Assert.Empty(Resent(header)!);
    }

    [Theory]
    [InlineData("Resent-From:\nFrom: ann@remote.test\n")]
    [InlineData("Resent-From: nobody:;\nFrom: ann@remote.test\n")]
    [InlineData("Resent-From: me@example.test\nResent-Sender: not an address\n")]
    public void A_resent_field_naming_no_mailbox_is_null(string header)
    {
        Assert.Null(Resent(header));
    }

    [Fact]
    public void A_folded_resent_from_is_read_whole()
    {
        Assert.Equal(["me@example.test"], Resent("Resent-From :\n =?utf-8?q?Me?=\n <me@example.test>\nFrom: ann@remote.test\n"));
    }
}
