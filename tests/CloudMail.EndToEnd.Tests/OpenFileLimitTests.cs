using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using CloudMail.EndToEnd.Tests.Infrastructure;

namespace CloudMail.EndToEnd.Tests;

/// <summary>
/// <c>cloudmail serve</c> under a low open-file limit (a container's or a unit's <c>LimitNOFILE</c>; this machine's is
/// 20,000), flooded with more connections than the limit leaves room for: it says at start how many sessions fit, the
/// connections beyond them get SMTP's "busy" reply instead of hanging unaccepted while the accept loop spins (and the
/// runtime, refused a descriptor, ended the process with "Out of memory"), and once they close it serves mail as before.
/// </summary>
public sealed partial class OpenFileLimitTests
{
    [Fact]
    public async Task Connections_beyond_what_the_open_file_limit_leaves_room_for_are_told_the_server_is_busy_and_it_serves_on()
    {
        await using var cloudmail = new CloudMailProcess { OpenFileLimit = 512 };
        await cloudmail.StartWithUserAsync("alice@example.test", "long-enough-password-1");
        int sessions = await SessionsAsync(cloudmail);
        Assert.InRange(sessions, 8, 400);

        var clients = new List<TcpClient>();
        try
        {
            for (int i = 0; i < sessions + 20; i++) // 20: under the 32 refusals a limit of 512 lets be under way
            {
                var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, cloudmail.Smtp);
                clients.Add(client);
            }
            var firstLines = await Task.WhenAll(clients.Select(c => FirstLineAsync(c)));

            Assert.All(firstLines, line => Assert.Matches("^(220|421) ", line));
            Assert.Equal(sessions, firstLines.Count(l => l.StartsWith("220 ", StringComparison.Ordinal)));
            Assert.Contains("client sessions are open, as many as the open-file limit (512) leaves room for", cloudmail.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }

        await Task.Delay(500); // the sessions notice their clients left
        using var again = new TcpClient();
        await again.ConnectAsync(IPAddress.Loopback, cloudmail.Smtp);
        using var reader = new StreamReader(again.GetStream());
        await using var writer = new StreamWriter(again.GetStream()) { NewLine = "\r\n", AutoFlush = true };
        Assert.StartsWith("220 ", await reader.ReadLineAsync());
        foreach (string command in new[] { "HELO client.test", "MAIL FROM:<a@remote.test>", "RCPT TO:<alice@example.test>", "DATA" })
        {
            await writer.WriteLineAsync(command);
            Assert.Matches("^(250|354) ", await ReadReplyAsync(reader));
        }
        await writer.WriteAsync("Subject: after the flood\r\n\r\nstill here\r\n.\r\n");
        Assert.StartsWith("250 ", await ReadReplyAsync(reader));
    }

    /// <summary>The session count serve logged at start (logged before listening.json, by the console logger's own thread).</summary>
    private static async Task<int> SessionsAsync(CloudMailProcess cloudmail)
    {
        for (int i = 0; i < 100; i++)
        {
            if (BudgetLine().Match(cloudmail.Output) is { Success: true } m) return int.Parse(m.Groups[1].Value);
            await Task.Delay(100);
        }
        throw new InvalidOperationException("serve did not log its session budget:\n" + cloudmail.Output);
    }

    private static async Task<string> FirstLineAsync(TcpClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var reader = new StreamReader(client.GetStream());
        try
        {
            return await reader.ReadLineAsync(timeout.Token) ?? "(closed)";
        }
        catch (OperationCanceledException)
        {
            return "(no reply)";
        }
    }

    private static async Task<string> ReadReplyAsync(StreamReader reader)
    {
        string line;
        while ((line = await reader.ReadLineAsync() ?? "(closed)").Length > 3 && line[3] == '-')
        {
        }
        return line;
    }

    [GeneratedRegex(@"Open-file limit 512: at most (\d+) client sessions at once")]
    private static partial Regex BudgetLine();
}
