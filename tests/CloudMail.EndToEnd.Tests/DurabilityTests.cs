using CloudMail.EndToEnd.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace CloudMail.EndToEnd.Tests;

/// <summary>
/// "Accepted means durable": every message that got a 250 survives SIGTERM and SIGKILL of the server
/// process, and work queued before the stop is finished after the restart.
/// </summary>
public sealed class DurabilityTests : IAsyncLifetime
{
    private const string Alice = "alice@example.test";
    private const string Password = "alice-secret-1";

    private readonly CloudMailProcess _cloudmail = new();

    public async Task InitializeAsync()
    {
        await _cloudmail.AdminAsync(null, "domain", "add", "example.test");
        await _cloudmail.AdminAsync(Password + "\n", "user", "add", Alice);
        await _cloudmail.StartAsync();
    }

    public async Task DisposeAsync() => await _cloudmail.DisposeAsync();

    [Fact]
    public async Task Messages_accepted_before_a_graceful_restart_are_all_in_the_inbox_afterwards()
    {
        var subjects = new List<string>();
        using (var smtp = await MailClients.SmtpAsync(_cloudmail.Smtp, SecureSocketOptions.None))
        {
            for (int i = 0; i < 5; i++)
            {
                string subject = $"before-restart-{i}";
                await smtp.SendAsync(MailClients.Message("sender@remote.test", Alice, subject));
                subjects.Add(subject);
            }
            await smtp.DisconnectAsync(true);
        }

        await _cloudmail.StopAsync();
        Assert.Equal(0, _cloudmail.ExitCode);
        await _cloudmail.StartAsync();

        using (var smtp = await MailClients.SmtpAsync(_cloudmail.Smtp, SecureSocketOptions.None))
        {
            await smtp.SendAsync(MailClients.Message("sender@remote.test", Alice, "after-restart"));
            subjects.Add("after-restart");
            await smtp.DisconnectAsync(true);
        }
        var found = await MailClients.WaitForSubjectsAsync(_cloudmail.Imaps, Alice, Password, subjects, TimeSpan.FromSeconds(30));
        Assert.Equal(subjects.Order(), found.Order());
    }

    [Fact]
    public async Task Every_message_that_got_250_survives_kill_9_and_is_delivered_exactly_once_after_restart()
    {
        var accepted = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        int port = _cloudmail.Smtp;
        // Four concurrent senders, each on its own connection, until the server dies under them.
        var senders = Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested && i < 500; i++)
            {
                string subject = $"kill9-{n}-{i}";
                try
                {
                    using var smtp = new SmtpClient { Timeout = 10_000 };
                    await smtp.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
                    await smtp.SendAsync(MailClients.Message("sender@remote.test", Alice, subject));
                    accepted.Add(subject); // SendAsync returned: the server answered 250 to DATA
                    await smtp.DisconnectAsync(true);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
                {
                    return; // the server is gone
                }
            }
        })).ToArray();

        await Task.Delay(1500);
        await _cloudmail.KillAsync();
        stop.Cancel();
        await Task.WhenAll(senders);
        Assert.True(accepted.Count > 0, "no message was accepted before the kill:\n" + _cloudmail.Output);

        await _cloudmail.StartAsync();
        var found = await MailClients.WaitForSubjectsAsync(_cloudmail.Imaps, Alice, Password, accepted.ToArray(), TimeSpan.FromSeconds(60));
        var foundSubjects = found;
        Assert.Empty(accepted.Except(foundSubjects));
        // Exactly once: no accepted subject appears twice after the redelivery of leased jobs.
        Assert.Equal(foundSubjects.Count, foundSubjects.Distinct().Count());
    }
}
