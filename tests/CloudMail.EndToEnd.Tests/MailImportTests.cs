using System.Diagnostics;
using System.Text;
using CloudMail.EndToEnd.Tests.Infrastructure;
using MailKit;
using MailKit.Security;
using Xunit.Abstractions;

namespace CloudMail.EndToEnd.Tests;

/// <summary><c>cloudmail import</c> as a separate process beside a running <c>serve</c>, at the size of a real mailbox.</summary>
public sealed class MailImportTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Alice = "alice@example.test";
    private const string Password = "correct horse battery";

    private readonly CloudMailProcess _cloudmail = new();
    private readonly string _mbox = Path.Combine(Path.GetTempPath(), "cloudmail-10k-" + Guid.NewGuid().ToString("N") + ".mbox");

    public Task InitializeAsync() => _cloudmail.StartWithUserAsync(Alice, Password);

    public async Task DisposeAsync()
    {
        await _cloudmail.DisposeAsync();
        File.Delete(_mbox);
    }

    [Fact]
    public async Task Ten_thousand_messages_import_beside_a_running_server_once_with_the_rate_printed()
    {
        const int count = 10_000;
        await using (var file = new StreamWriter(_mbox, false, new UTF8Encoding(false)))
        {
            var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (int i = 0; i < count; i++)
            {
                DateTime date = start.AddMinutes(17 * i);
                await file.WriteAsync($"From sender{i % 50}@remote.test {date:ddd MMM d HH:mm:ss yyyy}\n".Replace("  ", " ", StringComparison.Ordinal));
                await file.WriteAsync($"From: Sender {i % 50} <sender{i % 50}@remote.test>\nTo: {Alice}\nSubject: message {i}\nDate: {date:R}\nMessage-ID: <m{i}@remote.test>\n");
                await file.WriteAsync(i % 3 == 0 ? "Status: RO\n\n" : "\n");
                for (int line = 0; line < 25 + i % 40; line++) await file.WriteAsync($"Line {line} of message {i}: the quick brown fox jumps over the lazy dog.\n");
                await file.WriteAsync("\n");
            }
        }
        long megabytes = new FileInfo(_mbox).Length / 1_000_000;

        var clock = Stopwatch.StartNew();
        var import = await _cloudmail.AdminAsync(null, "import", "mbox", _mbox, "--to", Alice);
        clock.Stop();

        output.WriteLine($"cloudmail import mbox ({count} messages, {megabytes} MB) --to {Alice}: {clock.Elapsed.TotalSeconds:F1} s with process start");
        output.WriteLine(import.Output);
        Assert.True(import.ExitCode == 0, import.Output);
        Assert.Contains($"imported {count} messages", import.Output);
        Assert.Contains("1000 messages read", import.Output); // not a terminal: plain progress lines
        using (var imap = await MailClients.ImapAsync(_cloudmail.Imaps, SecureSocketOptions.SslOnConnect, Alice, Password))
        {
            await imap.Inbox.StatusAsync(StatusItems.Count | StatusItems.Unread);
            Assert.Equal((count, count - (count + 2) / 3), (imap.Inbox.Count, imap.Inbox.Unread));
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var last = (await imap.Inbox.FetchAsync(count - 1, count - 1, MessageSummaryItems.Envelope | MessageSummaryItems.InternalDate))[0];
            Assert.Equal(("message 9999", new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(17 * 9999)), (last.Envelope!.Subject, last.InternalDate!.Value));
        }

        var again = await _cloudmail.AdminAsync(null, "import", "mbox", _mbox, "--to", Alice);
        output.WriteLine(again.Output);
        Assert.Contains($"imported 0 messages for {Alice} ({count} already present", again.Output);
    }
}
