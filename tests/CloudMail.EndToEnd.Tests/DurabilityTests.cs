using CloudMail.EndToEnd.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using Xunit.Abstractions;

namespace CloudMail.EndToEnd.Tests;

/// <summary>
/// "Accepted means durable": every message that got a 250 (or an APPEND OK) survives SIGTERM and SIGKILL of the server
/// process, and work queued or in flight before the stop is finished within seconds of the restart.
/// </summary>
public sealed class DurabilityTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Alice = "alice@example.test";
    private const string Password = "alice-secret-1";

    // The default lease (5 minutes), not the short one of the other end-to-end tests: a restart must not wait it out.
    private readonly CloudMailProcess _cloudmail = new(extraSettings: "--CloudMail:Pipeline:LeaseDuration=00:05:00");

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
    public async Task Every_250_and_every_APPEND_OK_survives_rounds_of_kill_9_and_is_in_the_inbox_once_within_10_seconds_of_the_restart()
    {
        // Issue 14's bound: within 10 seconds of the restart, not when the killed process's 5-minute leases run out. It
        // takes under a second here (written to the test output); the wait goes on to 30 s so that a failure says how late.
        var bound = TimeSpan.FromSeconds(10);
        var accepted = new System.Collections.Concurrent.ConcurrentBag<string>();
        for (int round = 0; round < 3; round++)
        {
            using var stop = new CancellationTokenSource();
            int smtpPort = _cloudmail.Smtp, imapsPort = _cloudmail.Imaps;
            // Three SMTP senders and one IMAP APPEND client, each on its own connection, until the server dies under them.
            var smtpSenders = Enumerable.Range(0, 3).Select(n => Task.Run(() => SendUntilStoppedAsync(smtpPort, $"kill9-r{round}-smtp{n}", accepted, stop.Token))).ToArray();
            var appender = Task.Run(() => AppendUntilStoppedAsync(imapsPort, $"kill9-r{round}-append", accepted, stop.Token));
            await Task.Delay(1500);
            await _cloudmail.KillAsync();
            stop.Cancel();
            await Task.WhenAll([.. smtpSenders, appender]);

            await _cloudmail.StartAsync();
            // From the restart's end (serving again): the time the new process takes to start is not the recovery's.
            var restarted = System.Diagnostics.Stopwatch.StartNew();
            // Jobs the killed process had leased (for 5 minutes, the default) come back at once: the restart takes them.
            var found = await MailClients.WaitForSubjectsAsync(_cloudmail.Imaps, Alice, Password, accepted.ToArray(), bound * 3);
            var elapsed = restarted.Elapsed;
            output.WriteLine($"round {round}: {found.Distinct().Count()} of the {accepted.Count} accepted so far in the inbox {elapsed} after the restart");
            Assert.True(elapsed < bound, $"round {round}: took {elapsed}, {accepted.Except(found).Count()} of {accepted.Count} still missing");
            Assert.Empty(accepted.Except(found));
            Assert.Equal(found.Count, found.Distinct().Count()); // exactly once, also for redelivered jobs
        }
        Assert.Contains(accepted, s => s.Contains("smtp", StringComparison.Ordinal));
        Assert.Contains(accepted, s => s.Contains("append", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_serve_on_the_same_data_folder_refuses_to_start()
    {
        await using var second = new CloudMailProcess(_cloudmail.DataDirectory);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(second.StartAsync);
        Assert.Contains("serve.lock", e.Message, StringComparison.Ordinal);
        using var smtp = await MailClients.SmtpAsync(_cloudmail.Smtp, SecureSocketOptions.None); // the first one still serves
        await smtp.DisconnectAsync(true);
    }

    private static async Task SendUntilStoppedAsync(int port, string prefix, System.Collections.Concurrent.ConcurrentBag<string> accepted, CancellationToken stop)
    {
        for (int i = 0; !stop.IsCancellationRequested && i < 500; i++)
        {
            string subject = $"{prefix}-{i}";
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
    }

    private static async Task AppendUntilStoppedAsync(int port, string prefix, System.Collections.Concurrent.ConcurrentBag<string> accepted, CancellationToken stop)
    {
        try
        {
            using var imap = await MailClients.ImapAsync(port, SecureSocketOptions.SslOnConnect, Alice, Password);
            for (int i = 0; !stop.IsCancellationRequested && i < 500; i++)
            {
                string subject = $"{prefix}-{i}";
                await imap.Inbox.AppendAsync(new MailKit.AppendRequest(MailClients.Message("sender@remote.test", Alice, subject)));
                accepted.Add(subject); // AppendAsync returned: the server answered the tagged OK
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or MailKit.ProtocolException or MailKit.Net.Imap.ImapCommandException
            or MailKit.Security.SslHandshakeException or OperationCanceledException)
        {
            // the server is gone (on a loaded machine the kill can come during the TLS handshake of the first connection)
        }
    }
}
