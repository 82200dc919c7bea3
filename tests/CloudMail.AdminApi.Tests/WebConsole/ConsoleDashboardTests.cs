using System.Net;
using System.Text.RegularExpressions;
using CloudMail.Core.Admin;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Messages;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.AdminApi.Tests.WebConsole;

/// <summary>The dashboard's totals of today over a server of its own (nothing else writes its delivery log).</summary>
public sealed partial class ConsoleDashboardTests
{
    [Fact]
    public async Task Todays_records_count_as_in_out_deferred_and_bounced_by_recipient_domain_and_yesterdays_do_not()
    {
        await using var server = await TestServer.StartAsync();
        await server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);
        var log = server.Get<IDeliveryLog>();
        var now = DateTimeOffset.UtcNow;
        async Task RecordAsync(string recipient, DeliveryStatus status, DateTimeOffset at) =>
            await log.RecordAsync(new DeliveryRecord(MessageIds.New(), recipient, status, 1, "reply", at), CancellationToken.None);
        await RecordAsync("a@" + TestServer.Domain, DeliveryStatus.Delivered, now);
        await RecordAsync("B@" + TestServer.Domain.ToUpperInvariant(), DeliveryStatus.Delivered, now);
        await RecordAsync("c@remote.test", DeliveryStatus.Delivered, now);
        await RecordAsync("d@remote.test", DeliveryStatus.Deferred, now);
        await RecordAsync("e@remote.test", DeliveryStatus.Failed, now);
        await RecordAsync("f@remote.test", DeliveryStatus.Pending, now);
        await RecordAsync("g@" + TestServer.Domain, DeliveryStatus.Delivered, new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddMinutes(-1));
        string key = (await server.Get<IAdminKeyStore>().CreateAsync([AdminScopes.Read], CancellationToken.None)).Key;
        using var client = ConsoleClient.For(AdminApiServerFixture.ClientFor(server).BaseAddress!);
        await client.SignInAsync(key);

        var response = await client.GetAsync("/admin");
        string html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", Count(html, "in"));
        Assert.Equal("1", Count(html, "out"));
        Assert.Equal("1", Count(html, "deferred"));
        Assert.Equal("1", Count(html, "bounced"));
    }

    private static string Count(string html, string name) =>
        Regex.Match(html, $"<dd id=\"count-{name}\">([^<]*)</dd>") is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no count-" + name);
}
