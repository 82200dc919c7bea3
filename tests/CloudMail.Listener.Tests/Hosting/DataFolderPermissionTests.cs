using System.Runtime.Versioning;
using CloudMail.Core.Directory;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tests.Smtp;
using CloudMail.Storage.Embedded.Files;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary>
/// The real server keeps its data folder private: nothing in it is readable by other local users, and it will not
/// start on a folder others can write to.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DataFolderPermissionTests
{
    [Fact]
    public async Task After_mail_is_accepted_and_stored_every_folder_is_0700_and_every_file_0600()
    {
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:EmbeddedStorage:SmallBlobThreshold"] = "4096",
            ["CloudMail:Ports:Http"] = "0", // writes listening-http.json
        });
        string recipient = await SmtpServerFixture.NewUserAsync(server);
        await server.Get<IApiKeyStore>().CreateAsync(TestServer.Domain, CancellationToken.None);

        using (var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 15000 })
        {
            await client.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Smtp), SecureSocketOptions.StartTls);
            foreach (int size in new[] { 100, 50_000 }) // a row of queue.db, and a file under messages/
            {
                await client.SendAsync(new MimeMessage
                {
                    From = { MailboxAddress.Parse("someone@remote.test") },
                    To = { MailboxAddress.Parse(recipient) },
                    Subject = $"{size} bytes",
                    Body = new TextPart("plain") { Text = new string('x', size) },
                });
            }
            await client.DisconnectAsync(true);
        }
        Assert.Equal(2, (await SmtpServerFixture.WaitForInboxAsync(server, recipient, 2)).Count);

        string[] files = [.. DataFolderScan.Entries(server.DataDirectory).Where(e => !e.IsFolder).Select(e => e.Path)];
        Assert.Contains(files, f => f.StartsWith("messages/", StringComparison.Ordinal) && f.EndsWith(".eml", StringComparison.Ordinal));
        foreach (string expected in new[] { "mail.db", "mail.db-wal", "mail.db-shm", "queue.db-wal", "cloudmail-apikeys.db",
                     "tls/dev-cert.pfx", "listening.json", "listening-http.json" })
        {
            Assert.Contains(expected, files);
        }
        Assert.Empty(DataFolderScan.NotPrivate(server.DataDirectory));
    }

    [Fact]
    public async Task A_group_writable_data_folder_refuses_to_start()
    {
        string data = Path.Combine(Path.GetTempPath(), "cloudmail-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, (UnixFileMode)Convert.ToInt32("775", 8));
        try
        {
            var refused = await Assert.ThrowsAsync<UnsafeDataFolderException>(() => TestServer.StartAsync(dataDirectory: data));

            Assert.Contains($"The data folder {data} is writable by its group (mode 0775)", refused.Message);
            Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(data));
        }
        finally
        {
            System.IO.Directory.Delete(data, recursive: true);
        }
    }
}
