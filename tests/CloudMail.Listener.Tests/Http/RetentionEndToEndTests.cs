using System.Net;
using System.Text.Json;
using CloudMail.Core.Directory;

namespace CloudMail.Listener.Tests.Http;

/// <summary>
/// <c>CloudMail:Retention</c> on a real embedded server with retentions of seconds: a delivered message's status goes
/// from 200 to 404 once its delivery log is forgotten, and retries with its Idempotency-Key after that deliver nothing
/// again (the message is still stored in the mailbox).
/// </summary>
public sealed class RetentionEndToEndTests : IAsyncLifetime
{
    private SendApiServerFixture _api = null!;

    public async Task InitializeAsync()
    {
        // The delivery log must outlive the wait for routing and the first status request, even on a stalled test host.
        _api = new SendApiServerFixture(new Dictionary<string, string?>
        {
            ["CloudMail:Retention:DeliveryLog"] = "00:00:10",
            ["CloudMail:Retention:IdempotencyKeys"] = "00:00:01",
            ["CloudMail:Retention:Interval"] = "00:00:01",
        });
        await _api.InitializeAsync();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    private static async Task<string> AcceptedIdAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("messageId").GetString()!;
    }

    [Fact]
    public async Task A_delivered_messages_status_is_forgotten_after_the_retention_and_a_late_retry_delivers_nothing_again()
    {
        string bob = await _api.NewUserAsync("bob");
        string json = $$"""{"from":"app@example.test","to":["{{bob}}"],"subject":"kept a while","text":"hello"}""";
        string key = Guid.NewGuid().ToString();
        string id = await AcceptedIdAsync(await _api.PostAsync(SendApiServerFixture.Json(json), idempotencyKey: key));
        await _api.WaitForRoutingAsync(id, 1);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetStatusAsync(id)).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await _api.GetStatusAsync(id)).StatusCode != HttpStatusCode.NotFound)
        {
            Assert.True(DateTime.UtcNow < deadline, "the delivery log of a delivered message was not forgotten after its retention");
            await Task.Delay(200);
        }

        // The key's record is gone too (its retention is shorter, and keys go first); the message is still in bob's
        // mailbox: a request with the key, even with another body, is answered with it and routes nothing.
        string changed = json.Replace("hello", "hello again", StringComparison.Ordinal);
        Assert.Equal(id, await AcceptedIdAsync(await _api.PostAsync(SendApiServerFixture.Json(changed), idempotencyKey: key)));
        Assert.Equal(id, await AcceptedIdAsync(await _api.PostAsync(SendApiServerFixture.Json(changed), idempotencyKey: key)));
        await Task.Delay(1000); // give a wrongly re-enqueued job time to show up
        var inbox = await _api.ReadInboxOverImapAsync(bob);
        Assert.Equal("kept a while", Assert.Single(inbox).Subject);
    }

    [Fact]
    public async Task A_retention_shorter_for_the_log_than_for_the_keys_stops_the_start()
    {
        var bad = new SendApiServerFixture(new Dictionary<string, string?>
        {
            ["CloudMail:Retention:DeliveryLog"] = "1.00:00:00",
            ["CloudMail:Retention:IdempotencyKeys"] = "7.00:00:00",
        });
        var e = await Assert.ThrowsAnyAsync<Exception>(bad.InitializeAsync);
        Assert.Contains("CloudMail:Retention", e.ToString(), StringComparison.Ordinal);
    }
}
