using CloudMail.Listener.Network;

namespace CloudMail.Listener.Tests.Network;

/// <summary>
/// Per-user and per-(user, address) session limits with small configured values (1 per user and address, 2 per
/// user), over loopback; IMAP and POP3 count together. Plaintext ports with AllowInsecureAuth keep the tests short.
/// </summary>
public sealed class SessionLimitsTests(SmallSessionLimitsServer fixture) : IClassFixture<SmallSessionLimitsServer>
{
    private string ImapLogin(string user) => $"LOGIN {user} \"{ClientLimitServer.Password}\"";

    private async Task<SourceAddressClient> ImapAsync(string source)
    {
        var (client, greeting) = await SourceAddressClient.ConnectAndReadAsync(source, fixture.Port(EndpointKind.Imap));
        Assert.StartsWith("* OK ", greeting);
        return client;
    }

    private async Task<(SourceAddressClient Client, string Reply)> Pop3LoginAsync(string source, string user)
    {
        var (client, greeting) = await SourceAddressClient.ConnectAndReadAsync(source, fixture.Port(EndpointKind.Pop3));
        Assert.StartsWith("+OK ", greeting);
        Assert.StartsWith("+OK", await client.CommandAsync("USER " + user));
        return (client, await client.CommandAsync("PASS " + ClientLimitServer.Password));
    }

    [Fact]
    public async Task A_pop3_login_over_the_per_address_limit_gets_in_use_while_another_address_logs_in()
    {
        string user = await fixture.NewUserAsync();
        await using var imap = await ImapAsync("127.0.0.40");
        Assert.StartsWith("a OK ", await imap.TaggedAsync("a", ImapLogin(user)));

        var (refused, reply) = await Pop3LoginAsync("127.0.0.40", user);
        await using (refused)
        {
            Assert.Equal("-ERR [IN-USE] too many connections for this user", reply);
            Assert.Equal("-ERR command not valid in this state", await refused.CommandAsync("STAT"));
        }
        var (other, otherReply) = await Pop3LoginAsync("127.0.0.41", user);
        await using (other) Assert.StartsWith("+OK maildrop locked and ready", otherReply);
    }

    [Fact]
    public async Task The_per_user_limit_counts_sessions_from_every_address()
    {
        string user = await fixture.NewUserAsync();
        await using var a = await ImapAsync("127.0.0.42");
        await using var b = await ImapAsync("127.0.0.43");
        await using var c = await ImapAsync("127.0.0.44");
        Assert.StartsWith("a OK ", await a.TaggedAsync("a", ImapLogin(user)));
        Assert.StartsWith("a OK ", await b.TaggedAsync("a", ImapLogin(user)));
        Assert.Equal("a NO [LIMIT] Too many connections", await c.TaggedAsync("a", ImapLogin(user)));
        string other = await fixture.NewUserAsync();
        Assert.StartsWith("b OK ", await c.TaggedAsync("b", ImapLogin(other))); // the limit is the user's, not the address's
    }

    [Fact]
    public async Task A_session_that_ends_without_logout_frees_its_slot()
    {
        string user = await fixture.NewUserAsync();
        var first = await ImapAsync("127.0.0.45");
        await using (first)
        {
            Assert.StartsWith("a OK ", await first.TaggedAsync("a", ImapLogin(user)));
            await using var second = await ImapAsync("127.0.0.45");
            Assert.Equal("a NO [LIMIT] Too many connections", await second.TaggedAsync("a", ImapLogin(user)));
            Assert.True(await first.HangUpAsync());
            Assert.StartsWith("b OK ", await second.TaggedAsync("b", ImapLogin(user)));
            Assert.StartsWith("c OK ", await second.TaggedAsync("c", "LOGOUT"));
        }

        var (pop3, reply) = await Pop3LoginAsync("127.0.0.46", user);
        await using (pop3)
        {
            Assert.StartsWith("+OK", reply);
            Assert.True(await pop3.HangUpAsync());
        }
        var (again, againReply) = await Pop3LoginAsync("127.0.0.46", user);
        await using (again) Assert.StartsWith("+OK maildrop locked and ready", againReply);
    }
}
