using System.Text;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace CloudMail.Listener.Tests.Pop3;

/// <summary>MailKit's Pop3Client against the real server: implicit TLS on 995 and STLS on 110.</summary>
[Collection(Pop3ServerCollection.Name)]
public sealed class Pop3MailKitTests(Pop3ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private static Pop3Client NewClient() => new() { ServerCertificateValidationCallback = (_, _, _, _) => true };

    public static readonly TheoryData<string> Ports = new() { "995 implicit TLS", "110 STLS" };

    [Theory]
    [MemberData(nameof(Ports))]
    public async Task MailKit_lists_retrieves_byte_exact_and_deletes_on_quit(string endpoint)
    {
        string user = await Pop3TestMail.NewUserAsync(Server, "mk");
        byte[] first = [.. Pop3TestMail.Message("first", "Hello\r\n.a line with a leading dot\r\n.\r\n"), 0xC3, 0xA9, 0xFF, (byte)'\r', (byte)'\n'];
        byte[] second = Pop3TestMail.Message("second", "Second body\r\n");
        await Pop3TestMail.AppendAsync(Server, user, first);
        uint keep = await Pop3TestMail.AppendAsync(Server, user, second);

        using var client = NewClient();
        if (endpoint.StartsWith("995", StringComparison.Ordinal))
            await client.ConnectAsync("127.0.0.1", fixture.Pop3sPort, SecureSocketOptions.SslOnConnect);
        else
            await client.ConnectAsync("127.0.0.1", fixture.Pop3Port, SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync(user, Pop3TestMail.Password);

        Assert.Equal(2, client.Count);
        Assert.Equal([first.Length, second.Length], await client.GetMessageSizesAsync());
        var uids = await client.GetMessageUidsAsync();
        Assert.Equal(2, uids.Count);
        Assert.NotEqual(uids[0], uids[1]);

        Assert.Equal(first, await ReadAllAsync(await client.GetStreamAsync(0)));
        Assert.Equal(second, await ReadAllAsync(await client.GetStreamAsync(1)));
        var message = await client.GetMessageAsync(1);
        Assert.Equal("second", message.Subject);

        await client.DeleteMessageAsync(0);
        await client.DisconnectAsync(quit: true);

        Assert.Equal([keep], await Pop3TestMail.InboxUidsAsync(Server, user));
    }

    [Fact]
    public async Task MailKit_headers_only_uses_top()
    {
        string user = await Pop3TestMail.NewUserAsync(Server, "mk");
        await Pop3TestMail.AppendAsync(Server, user, Pop3TestMail.Message("only headers", "body that must not come\r\n"));
        using var client = NewClient();
        await client.ConnectAsync("127.0.0.1", fixture.Pop3sPort, SecureSocketOptions.SslOnConnect);
        await client.AuthenticateAsync(user, Pop3TestMail.Password);
        var headers = await client.GetMessageHeadersAsync(0);
        Assert.Equal("only headers", headers["Subject"]);
        byte[] top = await ReadAllAsync(await client.GetStreamAsync(0, headersOnly: true));
        Assert.DoesNotContain("body that must not come", Encoding.ASCII.GetString(top));
        await client.DisconnectAsync(quit: true);
        Assert.Single(await Pop3TestMail.InboxAsync(Server, user));
    }

    [Fact]
    public async Task MailKit_cannot_authenticate_on_110_without_tls()
    {
        string user = await Pop3TestMail.NewUserAsync(Server, "mk");
        using var client = NewClient();
        await client.ConnectAsync("127.0.0.1", fixture.Pop3Port, SecureSocketOptions.None);
        Assert.False(client.IsSecure);
        Assert.DoesNotContain("PLAIN", client.AuthenticationMechanisms);
        await Assert.ThrowsAnyAsync<Exception>(() => client.AuthenticateAsync(user, Pop3TestMail.Password));
        Assert.False(client.IsAuthenticated);
    }

    [Fact]
    public async Task MailKit_disconnect_without_quit_deletes_nothing()
    {
        string user = await Pop3TestMail.NewUserAsync(Server, "mk");
        await Pop3TestMail.AppendAsync(Server, user, Pop3TestMail.Message("stay", "x\r\n"));
        using (var client = NewClient())
        {
            await client.ConnectAsync("127.0.0.1", fixture.Pop3sPort, SecureSocketOptions.SslOnConnect);
            await client.AuthenticateAsync(user, Pop3TestMail.Password);
            await client.DeleteMessageAsync(0);
            await client.DisconnectAsync(quit: false);
        }
        Assert.Single(await Pop3TestMail.InboxAsync(Server, user));
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }
}
