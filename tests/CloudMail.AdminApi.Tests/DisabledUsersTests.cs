using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CloudMail.Core.Auth;
using CloudMail.Core.Directory;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using static CloudMail.AdminApi.Tests.AdminApiServerFixture;

namespace CloudMail.AdminApi.Tests;

/// <summary>
/// <c>POST /users/{address}/disable</c> and <c>/enable</c> against the real server, seen by MailKit clients: a disabled user
/// cannot log in anywhere (answered as a wrong password), its open sessions end at their next command, and its mail still
/// arrives.
/// </summary>
[Collection(AdminApiServerCollection.Name)]
public sealed class DisabledUsersTests(AdminApiServerFixture api)
{
    private async Task<string> NewUserAsync(string prefix)
    {
        string address = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)] + "@" + TestServer.Domain;
        await JsonAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address, password = Password }), HttpStatusCode.Created);
        return address;
    }

    private Task<HttpResponseMessage> SetDisabledAsync(string address, bool disabled) =>
        api.SendAsync(HttpMethod.Post, $"/api/v1/admin/users/{address}/{(disabled ? "disable" : "enable")}");

    [Fact]
    public async Task A_disabled_user_is_refused_on_imap_pop3_and_smtp_like_a_wrong_password_and_enabling_restores_it()
    {
        string address = await NewUserAsync("off");
        (await ImapAsync(address, Password)).Dispose(); // remembered by the credential cache
        var cache = api.Server.Get<VerifiedCredentialCache>();
        string hash = (await api.Server.Get<IMailDirectory>().GetAccountAsync(address, CancellationToken.None))!.PasswordHash;
        Assert.True(cache.Contains(address, Password, hash));

        Assert.Equal(HttpStatusCode.NoContent, (await SetDisabledAsync(address, true)).StatusCode);

        Assert.False(cache.Contains(address, Password, hash));
        var right = await Assert.ThrowsAsync<AuthenticationException>(() => ImapAsync(address, Password));
        var wrong = await Assert.ThrowsAsync<AuthenticationException>(() => ImapAsync(address, "not the password at all"));
        Assert.Equal(wrong.Message, right.Message);
        await Assert.ThrowsAsync<AuthenticationException>(() => Pop3Async(address, Password));
        await Assert.ThrowsAsync<AuthenticationException>(() => SubmissionAsync(address, Password));
        var shown = await JsonAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/users/" + address), HttpStatusCode.OK);
        Assert.True(shown.GetProperty("disabled").GetBoolean());
        var listed = await api.ListAllAsync("/api/v1/admin/users?domain=" + TestServer.Domain, 1000);
        Assert.True(listed.Single(u => u.GetProperty("address").GetString() == address).GetProperty("disabled").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await SetDisabledAsync(address, false)).StatusCode);

        (await ImapAsync(address, Password)).Dispose();
        (await Pop3Async(address, Password)).Dispose();
        (await SubmissionAsync(address, Password)).Dispose();
        Assert.False((await JsonAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/users/" + address), HttpStatusCode.OK)).GetProperty("disabled").GetBoolean());
    }

    [Fact]
    public async Task A_disabled_user_gets_401_from_the_apple_profile_endpoint_as_for_a_wrong_password()
    {
        string address = await NewUserAsync("apple");
        using (var before = await api.Http.SendAsync(AppleProfile(address, Password)))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await SetDisabledAsync(address, true);

        using var refused = await api.Http.SendAsync(AppleProfile(address, Password));
        using var wrong = await api.Http.SendAsync(AppleProfile(address, "not the password at all"));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Open_imap_pop3_and_smtp_sessions_of_a_disabled_user_end_at_their_next_command()
    {
        string address = await NewUserAsync("open");
        using var imap = await ImapAsync(address, Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        using var pop3 = await Pop3Async(address, Password);
        using var smtp = await SubmissionAsync(address, Password);

        await SetDisabledAsync(address, true);

        await Assert.ThrowsAnyAsync<Exception>(() => imap.NoOpAsync());
        Assert.False(imap.IsConnected);
        var popRefusal = await Assert.ThrowsAsync<Pop3CommandException>(() => pop3.NoOpAsync());
        Assert.Contains("no longer available", popRefusal.StatusText, StringComparison.Ordinal);
        var smtpRefusal = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(Message(address, address)));
        Assert.Equal(SmtpStatusCode.ServiceNotAvailable, smtpRefusal.StatusCode);
    }

    [Fact]
    public async Task Mail_to_a_disabled_user_is_still_accepted_and_is_in_its_inbox_once_enabled()
    {
        string address = await NewUserAsync("inbound");
        await SetDisabledAsync(address, true);

        using (var peer = new SmtpClient())
        {
            await peer.ConnectAsync("127.0.0.1", api.Server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
            await peer.SendAsync(Message("someone@elsewhere.test", address)); // no exception: 250 at the end of DATA
            await peer.DisconnectAsync(true);
        }
        await SetDisabledAsync(address, false);

        using var imap = await ImapAsync(address, Password);
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        int count;
        do
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            count = imap.Inbox.Count;
            if (count == 0) await Task.Delay(200);
        }
        while (count == 0 && DateTime.UtcNow < deadline);
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task Disabling_an_unknown_user_is_a_404_problem_and_disabling_twice_is_fine()
    {
        string address = await NewUserAsync("twice");

        Assert.Equal(HttpStatusCode.NoContent, (await SetDisabledAsync(address, true)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SetDisabledAsync(address, true)).StatusCode);
        var problem = await ProblemAsync(await SetDisabledAsync("nobody-here@" + TestServer.Domain, true), HttpStatusCode.NotFound);
        Assert.Contains("nobody-here@", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAsync(await api.SendAsync(HttpMethod.Post, $"/api/v1/admin/users/{address}/disable", key: api.ReadKey), HttpStatusCode.Forbidden);
    }

    private static MimeMessage Message(string from, string to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "while disabled";
        message.Body = new TextPart("plain") { Text = "Hello." };
        return message;
    }

    private static HttpRequestMessage AppleProfile(string user, string password) =>
        new(HttpMethod.Get, "/apple/mail.mobileconfig")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password))) },
        };

    private Task<ImapClient> ImapAsync(string address, string password) =>
        ConnectAsync(new ImapClient(), EndpointKind.Imaps, address, password);

    private Task<Pop3Client> Pop3Async(string address, string password) =>
        ConnectAsync(new Pop3Client(), EndpointKind.Pop3s, address, password);

    private Task<SmtpClient> SubmissionAsync(string address, string password) =>
        ConnectAsync(new SmtpClient(), EndpointKind.Submissions, address, password);

    private async Task<T> ConnectAsync<T>(T client, EndpointKind kind, string address, string password) where T : MailService
    {
        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        try
        {
            await client.ConnectAsync("127.0.0.1", api.Server.Port(kind), SecureSocketOptions.SslOnConnect);
            await client.AuthenticateAsync(address, password);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
