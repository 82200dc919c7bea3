using System.Text.RegularExpressions;
using CloudMail.EndToEnd.Tests.Infrastructure;
using MailKit.Security;

namespace CloudMail.EndToEnd.Tests.Outbound;

/// <summary>
/// The per-attempt history of <c>cloudmail trace</c> with a real deferral: CloudMail (127.0.0.65) delivers to defer.test,
/// whose MX (found through dnsmasq) is a Postfix smtp-sink on 127.0.0.66 that first answers RCPT with 4xx and is then
/// replaced by one that accepts; <c>cloudmail queue retry</c> makes the scheduled retry due at once. The trace shows the
/// routing, the refused try with the host, reply and the time of the next try, and the final delivery.
/// </summary>
public sealed partial class AttemptHistoryTests : IAsyncLifetime
{
    private const string Sender = "dora@d.test";
    private const string SenderPassword = "dora-secret-123";
    private ServerWithSinkPeer _world = null!;

    private CloudMailProcess Server => _world.Server;

    public async Task InitializeAsync() =>
        _world = await ServerWithSinkPeer.StartAsync("127.0.0.65", Sender, SenderPassword, "127.0.0.66", "defer.test", ["-r", "RCPT"], // 450 4.3.0 to every RCPT
            "--CloudMail:Delivery:ConnectTimeout=00:00:03");

    public async Task DisposeAsync()
    {
        if (_world is not null) await _world.DisposeAsync();
    }

    [Fact]
    public async Task Trace_shows_the_routing_each_deferral_with_host_reply_and_next_try_and_the_delivery()
    {
        string messageId;
        using (var smtp = await MailClients.SmtpAsync(Server.Submission, SecureSocketOptions.StartTls, Sender, SenderPassword, Server.ListenAddress))
        {
            string reply = await smtp.SendAsync(MailClients.Message(Sender, "erin@defer.test", "deferred-then-accepted"));
            messageId = QueuedAs().Match(reply) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no queue id in: " + reply);
            await smtp.DisconnectAsync(true);
        }

        string deferred = await WaitForTraceAsync(messageId, t => t.Contains("outbound  deferred", StringComparison.Ordinal));
        await _world.ReplacePeerAsync(); // now it accepts
        // The retry is due in 5 minutes (the first wait of the default schedule); the operator makes it due now.
        string retryJob = RetryJob().Match(deferred) is { Success: true } j ? j.Groups[1].Value : throw new InvalidOperationException("no retry job in: " + deferred);
        Assert.Equal(0, (await Server.AdminAsync(null, "queue", "retry", retryJob)).ExitCode);
        try
        {
            await _world.Peer.WaitForMessageAsync("Subject: deferred-then-accepted", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException e)
        {
            (_, string now) = await Server.AdminAsync(null, "trace", messageId);
            throw new TimeoutException($"{e.Message}\ntrace:\n{now}\nserver:\n{Server.Output[^Math.Min(4000, Server.Output.Length)..]}", e);
        }
        string trace = await WaitForTraceAsync(messageId, t => t.Contains("outbound  delivered", StringComparison.Ordinal));

        string[] attempts = [.. trace.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("  ", StringComparison.Ordinal))];
        Assert.Matches(@"^  \S+ \S+Z  erin@defer\.test  inbound  pending  attempt \d+  host -  queued for remote delivery$", attempts[0]);
        string[] deferrals = [.. attempts.Where(a => a.Contains("outbound  deferred", StringComparison.Ordinal))];
        Assert.NotEmpty(deferrals);
        for (int i = 0; i < deferrals.Length; i++)
        {
            Assert.Matches($@"  outbound  deferred  attempt {i + 1}  host mx\.defer\.test \[127\.0\.0\.66\]  450 4\.3\.0 .*  next \S+ \S+Z$", deferrals[i]);
        }
        Assert.Matches($@"  outbound  delivered  attempt {deferrals.Length + 1}  host mx\.defer\.test \[127\.0\.0\.66\]  250 ", attempts[^1]);
        Assert.Equal(deferrals.Length + 2, attempts.Length);
        Assert.StartsWith("erin@defer.test  delivered  attempts " + (deferrals.Length + 1), trace, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>cloudmail trace</c> until its output satisfies <paramref name="done"/>; the last output.</summary>
    private async Task<string> WaitForTraceAsync(string messageId, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            (int code, string output) = await Server.AdminAsync(null, "trace", messageId);
            if (code == 0 && done(output)) return output;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"trace of {messageId} never matched; last output ({code}):\n{output}");
            await Task.Delay(300);
        }
    }

    [GeneratedRegex(@"^job (\S+)  outbound  waiting", RegexOptions.Multiline)]
    private static partial Regex RetryJob();

    [GeneratedRegex(@"queued as (\S+)")]
    private static partial Regex QueuedAs();
}
