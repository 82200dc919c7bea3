using CloudMail.Core.Directory;
using CloudMail.Listener.Hosting;
using CloudMail.Listener.Network;
using CloudMail.Storage.Azure;
using CloudMail.Storage.Azure.Directory;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// The admin commands with <c>--CloudMail:Storage=Azure</c> work on the Table storage of <c>cloudmail listener</c>
/// (both on Azurite): a domain and user added through the admin host, with arguments and stdin as on the command line,
/// can log in over IMAP and SMTP submission at a running listener.
/// </summary>
public sealed class AzureAdminCommandsTests : IAsyncLifetime
{
    private const string Password = "admin-made password";

    private AzureListenerServer _server = null!;

    public async Task InitializeAsync() => _server = await AzureListenerServer.StartAsync(settings: new Dictionary<string, string?>
    {
        ["CloudMail:Ports:Imap"] = "0",
        ["CloudMail:Ports:Submission"] = "0",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private IHost AdminHost(params string[] extra) => CloudMailServerBuilder.BuildAdmin(
        ["--CloudMail:Storage=Azure", $"--{AzureResourceNames.StorageConnection.Name}={_server.StorageConnectionString}",
         $"--CloudMail:DataDirectory={_server.DataDirectory}", .. extra]);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(IHost admin, string stdin, params string[] words)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await new AdminCommands(admin.Services, new StringReader(stdin), output, error).RunAsync(words, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_user_added_by_the_admin_host_in_Azure_mode_can_log_in_at_the_listener()
    {
        string address = "admin" + Guid.NewGuid().ToString("N")[..8] + "@" + _server.Domain;
        using (IHost admin = AdminHost())
        {
            Assert.IsType<AzureMailDirectory>(admin.Services.GetRequiredService<IMailDirectory>());
            Assert.Equal(0, (await RunAsync(admin, "", "domain", "add", _server.Domain)).Exit);
            var added = await RunAsync(admin, Password + "\n", "user", "add", address);
            Assert.True(added.Exit == 0, added.Err);
            Assert.Contains(address, (await RunAsync(admin, "", "user", "list", _server.Domain)).Out);
        }

        using (var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 15000 })
        {
            await imap.ConnectAsync("127.0.0.1", Port(EndpointKind.Imap), SecureSocketOptions.StartTls);
            await imap.AuthenticateAsync(address, Password);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly); // the default mailboxes were created with the user
            Assert.Equal(0, imap.Inbox.Count);
            await imap.DisconnectAsync(true);
        }

        using var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 15000 };
        await smtp.ConnectAsync("127.0.0.1", Port(EndpointKind.Submission), SecureSocketOptions.StartTls);
        await Assert.ThrowsAsync<AuthenticationException>(() => smtp.AuthenticateAsync(address, "not the password"));
        await smtp.AuthenticateAsync(address, Password);
        await smtp.DisconnectAsync(true);
    }

    [Fact]
    public void Without_the_setting_the_admin_host_stays_on_embedded_storage_and_a_wrong_value_is_refused()
    {
        string folder = Path.Combine(Path.GetTempPath(), "cloudmail-admin-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (IHost embedded = CloudMailServerBuilder.BuildAdmin([$"--CloudMail:DataDirectory={folder}"]))
            {
                Assert.IsNotType<AzureMailDirectory>(embedded.Services.GetRequiredService<IMailDirectory>());
            }
            var error = Assert.Throws<InvalidOperationException>(() => CloudMailServerBuilder.BuildAdmin(["--CloudMail:Storage=Cosmos"]));
            Assert.Contains(CloudMailServerBuilder.AdminStorageKey, error.Message);
        }
        finally
        {
            if (System.IO.Directory.Exists(folder)) System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    private int Port(EndpointKind kind) => _server.Get<EndpointListenerService>().BoundPorts[kind];

    [Fact]
    public async Task User_remove_in_Azure_mode_leaves_no_row_naming_the_user_in_any_table()
    {
        string address = "gone" + Guid.NewGuid().ToString("N")[..8] + "@" + _server.Domain;
        using IHost admin = AdminHost();
        Assert.Equal(0, (await RunAsync(admin, "", "domain", "add", _server.Domain)).Exit);
        Assert.Equal(0, (await RunAsync(admin, Password + "\n", "user", "add", address)).Exit);
        var tables = _server.Get<CloudMailAzureClients>().Tables;
        Assert.NotEmpty(await StorageAccountScan.RowsNamingAsync(tables, address, CancellationToken.None));

        var removed = await RunAsync(admin, "", "user", "remove", address);

        Assert.True(removed.Exit == 0, removed.Err);
        Assert.Empty(await StorageAccountScan.RowsNamingAsync(tables, address, CancellationToken.None));
    }

    [Fact]
    public async Task Dkim_keys_go_to_the_dkimkeys_table_and_queue_commands_explain_that_Azure_queues_are_Service_Bus()
    {
        using IHost admin = AdminHost();
        Assert.Equal(0, (await RunAsync(admin, "", "domain", "add", _server.Domain)).Exit);
        string selector = "s" + Guid.NewGuid().ToString("N")[..8];

        var generated = await RunAsync(admin, "", "dkim", "generate", _server.Domain, "--selector", selector);

        Assert.True(generated.Exit == 0, generated.Err);
        Assert.StartsWith($"{selector}._domainkey.{_server.Domain}. IN TXT ", generated.Out);
        Assert.IsType<AzureDkimKeyStore>(admin.Services.GetRequiredService<CloudMail.Core.Dkim.IDkimKeyStore>());
        Assert.Contains(selector + "  active", (await RunAsync(admin, "", "dkim", "list", _server.Domain)).Out);
        var queue = await RunAsync(admin, "", "queue", "list");
        Assert.Equal(1, queue.Exit);
        Assert.Contains("Service Bus", queue.Err);
    }
}
