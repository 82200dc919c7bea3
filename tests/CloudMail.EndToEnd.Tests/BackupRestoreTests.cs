using System.Collections.Concurrent;
using CloudMail.EndToEnd.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace CloudMail.EndToEnd.Tests;

/// <summary>
/// <c>cloudmail backup</c> beside a running <c>serve</c> that keeps receiving mail, then <c>cloudmail restore</c> into a
/// fresh folder and a new server on it: every message, large (a file) or small (a database row), reads back over IMAP.
/// </summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private const string Alice = "alice@example.test";
    private const string Password = "correct horse battery";

    private readonly CloudMailProcess _cloudmail = new();
    private readonly CloudMailProcess _restored = new();
    private readonly string _backup = Path.Combine(Path.GetTempPath(), "cloudmail-backup-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => _cloudmail.StartWithUserAsync(Alice, Password);

    public async Task DisposeAsync()
    {
        await _cloudmail.DisposeAsync();
        await _restored.DisposeAsync();
        if (Directory.Exists(_backup)) Directory.Delete(_backup, recursive: true);
    }

    [Fact]
    public async Task A_backup_taken_while_serving_restores_into_a_fresh_folder_with_every_message_readable()
    {
        string[] subjects = [.. Enumerable.Range(0, 15).Select(i => $"before-backup-{i}")];
        using (SmtpClient smtp = await MailClients.SmtpAsync(_cloudmail.Smtp, SecureSocketOptions.None))
        {
            foreach (string subject in subjects) await smtp.SendAsync(MailClients.Message("sender@remote.test", Alice, subject));
            await smtp.SendAsync(MailClients.Message("sender@remote.test", Alice, "large", new string('x', 76) + string.Concat(Enumerable.Repeat("\r\n" + new string('y', 76), 6000))));
        }
        await MailClients.WaitForSubjectsAsync(_cloudmail.Imaps, Alice, Password, [.. subjects, "large"], TimeSpan.FromSeconds(30));
        using (var imap = await MailClients.ImapAsync(_cloudmail.Imaps, SecureSocketOptions.SslOnConnect, Alice, Password))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await imap.Inbox.AddFlagsAsync(0, MessageFlags.Flagged, true);
        }

        // Mail keeps arriving while the backup runs.
        using var stop = new CancellationTokenSource();
        var during = new ConcurrentBag<string>();
        Task sending = Task.Run(async () =>
        {
            using SmtpClient smtp = await MailClients.SmtpAsync(_cloudmail.Smtp, SecureSocketOptions.None);
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                await smtp.SendAsync(MailClients.Message("sender@remote.test", Alice, $"during-{i}"));
                during.Add($"during-{i}");
            }
        });
        await Task.Delay(300);
        var backup = await _cloudmail.AdminAsync(null, "backup", _backup);
        await stop.CancelAsync();
        await sending;
        Assert.NotEmpty(during);
        Assert.True(backup.ExitCode == 0, backup.Output);
        Assert.Contains("mail.db", backup.Output);
        Assert.True(File.Exists(Path.Combine(_backup, "cloudmail-backup.json")));
        Assert.False(File.Exists(Path.Combine(_backup, "mail.db-wal")));
        Assert.False(File.Exists(Path.Combine(_backup, "serve.lock")));

        var refused = await _cloudmail.AdminAsync(null, "restore", _backup);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("serve.lock", refused.Output);
        await _cloudmail.StopAsync();

        var restore = await _restored.AdminAsync(null, "restore", _backup);
        Assert.True(restore.ExitCode == 0, restore.Output);
        await _restored.StartAsync();
        using var client = await MailClients.ImapAsync(_restored.Imaps, SecureSocketOptions.SslOnConnect, Alice, Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags | MessageSummaryItems.Size);
        List<string> restoredSubjects = [.. summaries.Select(s => s.Envelope!.Subject ?? "")];
        Assert.Empty(subjects.Append("large").Except(restoredSubjects));
        Assert.True(summaries[0].Flags!.Value.HasFlag(MessageFlags.Flagged));
        Assert.All(restoredSubjects.Where(s => s.StartsWith("during-", StringComparison.Ordinal)), s => Assert.Contains(s, during));
        for (int i = 0; i < summaries.Count; i++)
        {
            var message = await client.Inbox.GetMessageAsync(i); // every listed message's bytes are there
            Assert.Equal(summaries[i].Envelope!.Subject, message.Subject);
        }
        var large = summaries.Single(s => s.Envelope!.Subject == "large");
        Assert.True(large.Size > 256 * 1024, $"the large message ({large.Size} bytes) is stored as a file");
    }
}
