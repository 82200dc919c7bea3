using System.Net;
using System.Net.Sockets;
using CloudMail.EndToEnd.Tests.Infrastructure;

namespace CloudMail.EndToEnd.Tests;

/// <summary>
/// <c>cloudmail serve</c> that cannot start, as an operator sees it: exit code 1 and a last line saying why and what to
/// change, not an unhandled exception that aborts the process (exit code 134 and a stack trace before); and a first run
/// that would refuse all mail says so.
/// </summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task A_port_in_use_by_another_process_is_named_with_its_setting_and_the_exit_code_is_1()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0); // another mail server holding the port
        other.Start();
        int port = ((IPEndPoint)other.LocalEndpoint).Port;
        await using var cloudmail = new CloudMailProcess(smtpPort: port);

        var (exitCode, output) = await cloudmail.AdminAsync(null, "serve").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Equal($"cloudmail: cannot start: Cannot listen on 127.0.0.1:{port} for Smtp (CloudMail:Ports:Smtp): the port is in use "
            + "by another process (another mail server?); stop it, or set CloudMail:Ports:Smtp to another port or to -1 to leave this endpoint off.",
            LastLine(output));
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_serve_on_the_same_data_folder_says_so_and_the_first_goes_on_serving()
    {
        await using var cloudmail = new CloudMailProcess();
        await cloudmail.StartAsync();

        var (exitCode, output) = await cloudmail.AdminAsync(null, "serve").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Equal($"cloudmail: cannot start: Another 'cloudmail serve' is using the data folder {cloudmail.DataDirectory} (it holds serve.lock); stop it first.",
            LastLine(output));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, cloudmail.Smtp);
        using var reader = new StreamReader(client.GetStream());
        Assert.StartsWith("220 ", await reader.ReadLineAsync());
    }

    [Theory]
    [InlineData("--CloudMail:Ports:Smtp=abc", "Failed to convert configuration value 'abc' at 'CloudMail:Ports:Smtp' to type 'System.Int32'.")]
    [InlineData("--CloudMail:DrainTimeout=banana", "Failed to convert configuration value 'banana' at 'CloudMail:DrainTimeout' to type 'System.TimeSpan'.")]
    [InlineData("--CloudMail:Ports:Imap=70000", "CloudMail:Ports values must be -1 (endpoint off), 0 (any free port) or a port from 1 to 65535")]
    [InlineData("--CloudMail:ListenAddress=999.1.1.1", "CloudMail:ListenAddress must be an IP address (0.0.0.0 for all IPv4 addresses, :: for all, 127.0.0.1 for this machine only)")]
    public async Task A_setting_that_is_not_valid_is_named_in_one_line_by_serve_and_by_an_admin_command(string setting, string why)
    {
        await using var cloudmail = new CloudMailProcess(extraSettings: setting);

        await AssertServeAndAdminSayAsync(cloudmail, why, "domain", "list");
    }

    [Fact]
    public async Task A_damaged_database_is_named_with_what_to_do_by_serve_and_by_an_admin_command()
    {
        await using var cloudmail = new CloudMailProcess();
        Assert.Equal(0, (await cloudmail.AdminAsync(null, "domain", "add", "example.test")).ExitCode);
        string database = Path.Combine(cloudmail.DataDirectory, "mail.db");
        await using (var damaged = new FileStream(database, FileMode.Open, FileAccess.Write))
        {
            await damaged.WriteAsync("not a database header"u8.ToArray()); // over SQLite's 16-byte magic string
        }
        string why = $"The database {database} is damaged or is not a CloudMail database (SQLite Error 26: 'file is not a database'.); "
            + "restore the data folder from a backup ('cloudmail restore PATH' into an empty folder), or move the file away to start it anew.";

        await AssertServeAndAdminSayAsync(cloudmail, why, "user", "list");
    }

    /// <summary>
    /// <c>serve</c> exits with 1 and its last line is "cloudmail: cannot start: " and <paramref name="why"/>; the admin command
    /// <paramref name="admin"/> exits with 1 and prints only "cloudmail: " and its words, ": " and <paramref name="why"/>.
    /// </summary>
    private static async Task AssertServeAndAdminSayAsync(CloudMailProcess cloudmail, string why, params string[] admin)
    {
        var (serveExit, serveOutput) = await cloudmail.AdminAsync(null, "serve").WaitAsync(TimeSpan.FromSeconds(60));
        var (adminExit, adminOutput) = await cloudmail.AdminAsync(null, admin);

        Assert.Equal((1, "cloudmail: cannot start: " + why), (serveExit, LastLine(serveOutput)));
        Assert.Equal((1, $"cloudmail: {string.Join(' ', admin)}: {why}"), (adminExit, adminOutput.Trim()));
    }

    [Fact]
    public async Task A_first_run_without_a_domain_is_told_what_to_run_and_one_with_a_domain_is_not()
    {
        await using var empty = new CloudMailProcess();
        await empty.StartAsync();
        await using var ready = new CloudMailProcess();
        await ready.StartWithUserAsync("alice@example.test", "long-enough-password-1");

        const string hint = "No local domain yet: mail to every address is refused and nobody can log in. Add one and a user: "
            + "'cloudmail domain add example.com', then 'cloudmail user add alice@example.com'";
        // Logged before the listeners start, so before listening.json, which StartAsync waits for; the console logger
        // writes on its own thread, a moment later.
        await Task.Delay(1000);
        Assert.Contains(hint, empty.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("No local domain yet", ready.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_that_is_not_fully_qualified_is_warned_about_at_start_and_a_qualified_one_is_not()
    {
        await using var bare = new CloudMailProcess(hostName: "vm");
        await bare.StartAsync();
        await using var qualified = new CloudMailProcess(hostName: "mail.example.test");
        await qualified.StartAsync();

        await Task.Delay(1000); // logged before listening.json; the console logger writes a moment later
        Assert.Contains("CloudMail:HostName is 'vm', not a fully qualified domain name: other mail servers cannot find this server by it (MX)",
            bare.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not a fully qualified domain name", qualified.Output, StringComparison.Ordinal);
    }

    private static string LastLine(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
}
