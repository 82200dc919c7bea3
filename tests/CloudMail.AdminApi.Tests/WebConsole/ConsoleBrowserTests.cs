using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Playwright;
using MimeKit;
using static Microsoft.Playwright.Assertions;

namespace CloudMail.AdminApi.Tests.WebConsole;

/// <summary>
/// The web console in a real headless browser: Debian's chromium driven by Playwright (its bundled Node driver, no browser
/// download), against the real server with a real DNS server (dnsmasq on loopback) publishing the MX of the domain the test
/// adds. A person signs in, adds a domain, adds a user, mail for the user arrives over SMTP, and its trace says delivered.
/// Screenshots of each step go to TestResults/console-screenshots at the repository root (where build/test.sh keeps results).
/// </summary>
public sealed class ConsoleBrowserTests : IAsyncLifetime
{
    private const string Domain = "browser.test";
    private const string Chromium = "/usr/bin/chromium";

    private DnsmasqProcess _dns = null!;
    private TestServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: build/test.sh installs Debian's chromium");
        _dns = await DnsmasqProcess.StartAsync(DnsmasqProcess.Mx(Domain, TestServer.HostName));
        _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Dns:Servers:0"] = _dns.Endpoint });
        _playwright = await Playwright.CreateAsync();
        // --no-sandbox: the tests run as root on CI, where chromium refuses its sandbox.
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task An_administrator_signs_in_adds_a_domain_and_a_user_and_traces_mail_to_the_user_to_delivered()
    {
        string key = (await _server.Get<IAdminKeyStore>().CreateAsync([AdminScopes.Read, AdminScopes.Write], CancellationToken.None)).Key;
        string baseUrl = AdminApiServerFixture.ClientFor(_server).BaseAddress!.ToString().TrimEnd('/');
        var page = await _browser.NewPageAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1280, Height = 800 } });

        await page.GotoAsync("/admin");
        await page.GetByLabel("Admin API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "1-dashboard");

        await page.GetByRole(AriaRole.Link, new() { Name = "Domains" }).ClickAsync();
        await page.GetByLabel("Domain name").FillAsync(Domain);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add domain" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Added {Domain}");
        var row = page.Locator("tr", new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = Domain, Exact = true }) });
        await Expect(row).ToContainTextAsync("records need attention");
        await row.Locator("summary").ClickAsync();
        await Expect(row.Locator("tr", new() { HasText = "MX" }).Locator("td").First).ToHaveTextAsync("ok");
        await ScreenshotAsync(page, "2-domains");
        Assert.True(await _server.Get<IMailDirectory>().IsLocalDomainAsync(Domain, CancellationToken.None));

        string user = "alice@" + Domain;
        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await page.GetByLabel("Address").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(AdminApiServerFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Added {user}");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = user, Exact = true })).ToBeVisibleAsync();
        await ScreenshotAsync(page, "3-users");

        string messageId = await SendOverSmtpAsync(user);

        await page.GetByRole(AriaRole.Link, new() { Name = "Message trace" }).ClickAsync();
        await page.GetByLabel("Message id").FillAsync(messageId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Trace" }).ClickAsync();
        var delivery = page.Locator("table.deliveries tr", new() { HasText = user });
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && !await IsDeliveredAsync(delivery); await Task.Delay(200))
            await page.ReloadAsync();
        await Expect(page.Locator("#traced-id")).ToHaveTextAsync(messageId);
        await Expect(delivery.Locator("td").Nth(1)).ToHaveTextAsync("delivered");
        await ScreenshotAsync(page, "4-trace");

        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        await Expect(page.Locator("#count-in")).ToHaveTextAsync("1");
        await ScreenshotAsync(page, "5-dashboard-after");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    private static async Task<bool> IsDeliveredAsync(ILocator row) =>
        await row.CountAsync() == 1 && await row.Locator("td").Nth(1).TextContentAsync() == "delivered";

    /// <summary>Sends a message over port 25 from another domain; returns the id the server's 250 names ("queued as ID").</summary>
    private async Task<string> SendOverSmtpAsync(string recipient)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("someone@elsewhere.test"));
        message.To.Add(MailboxAddress.Parse(recipient));
        message.Subject = "<b>Hello</b> from the browser test";
        message.Body = new TextPart("plain") { Text = "Hello Alice." };
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
        string reply = await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
        return reply[(reply.LastIndexOf("queued as ", StringComparison.Ordinal) + "queued as ".Length)..].Trim();
    }

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder(), name + ".png"), FullPage = true });

    /// <summary>TestResults/console-screenshots at the repository root (the folder holding CloudMail.sln).</summary>
    private static string ScreenshotFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CloudMail.sln"))) dir = dir.Parent;
        string folder = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults", "console-screenshots");
        System.IO.Directory.CreateDirectory(folder);
        return folder;
    }
}
