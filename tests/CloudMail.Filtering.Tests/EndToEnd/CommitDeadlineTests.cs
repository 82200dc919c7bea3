using System.Diagnostics;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace CloudMail.Filtering.Tests.EndToEnd;

/// <summary>
/// When the checks of a port-25 message outlast <c>CloudMail:Smtp:CommitTimeout</c> (here: DNS that never answers, a check
/// limit of 30 s and a commit deadline of 2 s), the client gets a transient 451 that says the checking took too long, at
/// the deadline, and the session goes on (RFC 5321 §4.2.3: the client may try again on the same connection).
/// </summary>
[Collection(DeadlineTimingCollection.Name)]
public sealed class CommitDeadlineTests : IAsyncLifetime
{
    private SilentResolverServer _silent = null!;

    public async Task InitializeAsync() =>
        _silent = await SilentResolverServer.StartAsync(checkTimeout: TimeSpan.FromSeconds(30), commitTimeout: TimeSpan.FromSeconds(2));

    public async Task DisposeAsync() => await _silent.DisposeAsync();

    [Fact]
    public async Task Checks_past_the_commit_deadline_get_a_451_that_says_so_and_the_session_goes_on()
    {
        var message = SilentResolverServer.MessageToBob();
        using var transcript = new MemoryStream();
        using var smtp = new SmtpClient(new ProtocolLogger(transcript, leaveOpen: true) { LogTimestamps = true });
        await smtp.ConnectAsync("127.0.0.1", _silent.Server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
        var clock = Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(message));

        Assert.Equal(451, (int)refused.StatusCode);
        Assert.Contains("took too long", refused.Message, StringComparison.Ordinal);
        var elapsed = clock.Elapsed;
        Assert.True(elapsed >= TimeSpan.FromSeconds(1.5) && elapsed <= TimeSpan.FromSeconds(10),
            $"451 after {elapsed}, not at the 2 s deadline; the exchange:\n{System.Text.Encoding.UTF8.GetString(transcript.ToArray())}");
        await smtp.NoOpAsync(); // the connection is still usable
        await smtp.DisconnectAsync(true);
    }
}
