using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Filtering.Tests.EndToEnd;

/// <summary>
/// When the checks of a port-25 message outlast <c>CloudMail:Smtp:CommitTimeout</c> (here: DNS that never answers, a check
/// limit of 30 s and a commit deadline of 2 s), the client gets a transient 451 that says the checking took too long, at
/// the deadline, and the session goes on (RFC 5321 §4.2.3: the client may try again on the same connection).
/// </summary>
public sealed class CommitDeadlineTests : IAsyncLifetime
{
    private const string Bob = "bob@" + TestServer.Domain;

    private readonly UdpClient _silentResolver = new(new IPEndPoint(IPAddress.Loopback, 0));
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Dns:Servers:0"] = _silentResolver.Client.LocalEndPoint!.ToString(),
            ["CloudMail:Filtering:Enabled"] = "true",
            ["CloudMail:Filtering:AuthServId"] = "mx.receiver.test",
            ["CloudMail:Filtering:CheckTimeout"] = "00:00:30",
            ["CloudMail:Smtp:CommitTimeout"] = "00:00:02",
        });
        await _server.AddUserAsync(Bob, "bob-password-1");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _silentResolver.Dispose();
    }

    [Fact]
    public async Task Checks_past_the_commit_deadline_get_a_451_that_says_so_and_the_session_goes_on()
    {
        var message = TestSigning.NewMessage();
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse(Bob));
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
        var clock = Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(message));

        Assert.Equal(451, (int)refused.StatusCode);
        Assert.Contains("took too long", refused.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        await smtp.NoOpAsync(); // the connection is still usable
        await smtp.DisconnectAsync(true);
    }
}
