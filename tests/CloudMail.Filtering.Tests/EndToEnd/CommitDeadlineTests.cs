using System.Diagnostics;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace CloudMail.Filtering.Tests.EndToEnd;

/// <summary>
/// When the checks of a port-25 message outlast <c>CloudMail:Smtp:CommitTimeout</c> (here: DNS that never answers, a check
/// limit and a resolver timeout of <see cref="SilentResolverServer.Never"/> and a commit deadline of 2 s), the client gets
/// a transient 451 that says the checking took too long, at the deadline, and the session goes on (RFC 5321 §4.2.3: the
/// client may try again on the same connection). Nothing but the deadline can end the checks within minutes, so the reply
/// coming within <see cref="Bound"/> shows that the deadline ended them, however late the loaded machine runs its timer.
/// </summary>
[Collection(DeadlineTimingCollection.Name)]
public sealed class CommitDeadlineTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    private SilentResolverServer _silent = null!;

    public async Task InitializeAsync() =>
        _silent = await SilentResolverServer.StartAsync(checkTimeout: SilentResolverServer.Never, commitTimeout: TimeSpan.FromSeconds(2));

    public async Task DisposeAsync() => await _silent.DisposeAsync();

    [Fact]
    public async Task Checks_past_the_commit_deadline_get_a_451_that_says_so_and_the_session_goes_on()
    {
        var message = SilentResolverServer.MessageToBob();
        using var transcript = new MemoryStream();
        // Waits past the bound, so that a reply that comes too late fails the check below, with the exchange.
        using var smtp = new SmtpClient(new ProtocolLogger(transcript, leaveOpen: true) { LogTimestamps = true })
        {
            Timeout = (int)(Bound * 1.5).TotalMilliseconds,
        };
        await smtp.ConnectAsync("127.0.0.1", _silent.Server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
        var clock = Stopwatch.StartNew(); // before the data that starts the server's deadline

        var refused = await Record.ExceptionAsync(() => smtp.SendAsync(message));

        var elapsed = clock.Elapsed;
        Assert.True(refused is SmtpCommandException { StatusCode: (SmtpStatusCode)451 } && refused.Message.Contains("took too long", StringComparison.Ordinal)
                    && elapsed >= TimeSpan.FromSeconds(1.5) && elapsed <= Bound,
            $"after {elapsed}, not a 451 at the 2 s deadline: {refused?.Message ?? "accepted"}; the exchange:\n{System.Text.Encoding.UTF8.GetString(transcript.ToArray())}");
        await smtp.NoOpAsync(); // the connection is still usable
        await smtp.DisconnectAsync(true);
    }
}
