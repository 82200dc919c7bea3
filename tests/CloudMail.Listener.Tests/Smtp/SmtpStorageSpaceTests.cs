using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Smtp;

/// <summary>
/// MAIL while the data directory's volume (the real one of the test machine) has less than MinFreeDiskSpace plus the
/// declared SIZE free: 452 4.3.1 (RFC 5321 §4.2.2, RFC 1870 §6.1), and the session goes on.
/// </summary>
public sealed class SmtpStorageSpaceTests
{
    private static long FreeBytes(TestServer server) => new DriveInfo(server.DataDirectory).AvailableFreeSpace;

    [Fact]
    public async Task With_less_free_than_the_reserve_MAIL_gets_452_and_the_session_goes_on()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:MinFreeDiskSpace"] = "1" });
        string user = await SmtpServerFixture.NewUserAsync(server);
        long reserve = FreeBytes(server) + (1L << 40); // a terabyte more than the volume has
        await using var full = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Smtp:MinFreeDiskSpace"] = reserve.ToString() });
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(full.Port(EndpointKind.Smtp));

        Assert.Equal("452 4.3.1 Insufficient system storage, try again later", (await client.CommandAsync("MAIL FROM:<a@remote.test>")).ToString());
        Assert.Equal(250, (await client.CommandAsync("NOOP")).Code);
        Assert.Equal(503, (await client.CommandAsync($"RCPT TO:<{user}>")).Code);

        // The same mail to the server whose reserve fits is taken.
        await using var fits = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await fits.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
    }

    [Fact]
    public async Task The_declared_SIZE_counts_against_the_free_space()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Smtp:MaxMessageSize"] = long.MaxValue.ToString(),
        });
        long free = FreeBytes(server);
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));

        Assert.Equal(452, (await client.CommandAsync($"MAIL FROM:<a@remote.test> SIZE={free}")).Code);
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test> SIZE=1000")).Code);
    }

    [Fact]
    public async Task A_reserve_of_zero_is_never_checked()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Smtp:MinFreeDiskSpace"] = "0",
            ["CloudMail:Smtp:MaxMessageSize"] = long.MaxValue.ToString(),
        });
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));

        Assert.Equal(250, (await client.CommandAsync($"MAIL FROM:<a@remote.test> SIZE={long.MaxValue}")).Code);
    }
}
