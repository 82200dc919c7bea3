using System.Text.Json;
using CloudMail.Core.Delivery;
using CloudMail.Core.Directory;
using CloudMail.Core.Events;
using CloudMail.Listener.Network;
using CloudMail.Listener.Smtp;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tests.Smtp;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace CloudMail.Listener.Tests.Events;

/// <summary>
/// Webhooks end to end: the real server (embedded pipeline with its event worker), MailKit on ports 25 and 587, remote
/// delivery through the <see cref="RecordingOutboundTransport"/>, and a real HTTP receiver on loopback that checks what
/// an application would: the event headers, the signature with the subscription's secret, and the JSON payload.
/// </summary>
public sealed class WebhookEventTests : IAsyncLifetime
{
    private readonly RecordingOutboundTransport _transport = new();
    private TestServer _server = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
            // A failed POST is retried after the pipeline's backoff: short here.
            ["CloudMail:Pipeline:RetryBaseDelay"] = "00:00:00.200",
            ["CloudMail:Pipeline:RetryMaxDelay"] = "00:00:01",
        }, s => s.AddSingleton<IOutboundTransport>(_transport));
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private Task<WebhookSubscription> SubscribeAsync(string url, string scope, params MailEventType[] events) =>
        _server.Get<WebhookAdministration>().AddAsync(url, scope, events.Length == 0 ? MailEventTypes.All : events, CancellationToken.None);

    private static MimeMessage Message(string from, string to, string subject)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "Hello from the webhook test." } };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        return message;
    }

    private async Task SendOnPort25Async(MimeMessage message)
    {
        using var client = new SmtpClient { Timeout = 15000 };
        await client.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    private async Task SubmitAsync(string user, MimeMessage message)
    {
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 15000 };
        await client.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Submission), SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(user, SmtpServerFixture.Password);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    private static void AssertSigned(WebhookReceiver.ReceivedPost post, WebhookSubscription subscription) =>
        Assert.True(WebhookSignature.Verify(subscription.Secret, post.Header(WebhookSignature.HeaderName), post.Body, DateTimeOffset.UtcNow,
            WebhookSignature.RecommendedTolerance), "the signature does not verify with the subscription's secret");

    [Fact]
    public async Task Mail_to_a_subscribed_address_on_port_25_is_posted_once_as_message_received_with_envelope_headers_and_raw_MIME()
    {
        string bob = await SmtpServerFixture.NewUserAsync(_server);
        await _server.Get<IMailDirectory>().AddDomainAsync("other.test", CancellationToken.None);
        await using WebhookReceiver otherReceiver = await WebhookReceiver.StartAsync();
        WebhookSubscription subscription = await SubscribeAsync(_receiver.Url, bob);
        await SubscribeAsync(otherReceiver.Url, "other.test");

        await SendOnPort25Async(Message("ann@remote.test", bob, "webhook hello"));

        var post = Assert.Single(await _receiver.WaitForAsync(1));
        Assert.Equal("POST", post.Method);
        Assert.Equal("/hooks/mail?token=receiver-token", post.PathAndQuery);
        Assert.Equal("message.received", post.Header(EventStage.EventHeader));
        Assert.StartsWith("application/json", post.Header("Content-Type"), StringComparison.Ordinal);
        AssertSigned(post, subscription);
        using var json = JsonDocument.Parse(post.Body);
        JsonElement root = json.RootElement;
        Assert.Equal("message.received", root.GetProperty("type").GetString());
        Assert.Equal(post.Header(EventStage.DeliveryHeader), root.GetProperty("id").GetString());
        Assert.Equal("ann@remote.test", root.GetProperty("envelope").GetProperty("from").GetString());
        Assert.Equal([bob], root.GetProperty("envelope").GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("webhook hello", root.GetProperty("headers").GetProperty("subject").GetString());
        Assert.Equal(bob, root.GetProperty("headers").GetProperty("to").GetString());
        // Present even when the filters added no such field (null then), so receivers can rely on the shape.
        Assert.True(root.GetProperty("headers").TryGetProperty("authenticationResults", out _));
        Assert.True(root.GetProperty("headers").TryGetProperty("spamStatus", out _));
        string raw = System.Text.Encoding.ASCII.GetString(root.GetProperty("raw").GetBytesFromBase64());
        Assert.Contains("Subject: webhook hello", raw, StringComparison.Ordinal);
        Assert.Contains("Hello from the webhook test.", raw, StringComparison.Ordinal);
        Assert.Equal(raw.Length, root.GetProperty("rawSize").GetInt64());

        await Task.Delay(1000);
        Assert.Single(_receiver.Posts);
        Assert.Empty(otherReceiver.Posts);
    }

    [Fact]
    public async Task The_Python_verifier_of_docs_webhooks_md_accepts_the_posted_signature_and_rejects_a_changed_body()
    {
        string bob = await SmtpServerFixture.NewUserAsync(_server);
        WebhookSubscription subscription = await SubscribeAsync(_receiver.Url, bob, MailEventType.Received);
        await SendOnPort25Async(Message("ann@remote.test", bob, "verify in python"));
        var post = Assert.Single(await _receiver.WaitForAsync(1));
        string docs = await File.ReadAllTextAsync(Path.Combine(Configuration.ConfigurationDocsTests.RepositoryRoot(), "docs", "webhooks.md"));
        string example = docs.Split("```python\n", 2)[1].Split("```", 2)[0];
        string script = example + """

            import base64, sys
            body = base64.b64decode(sys.argv[3])
            print(verify(sys.argv[1], sys.argv[2], body), verify(sys.argv[1], sys.argv[2], body + b" "))
            """;

        string output = await Python.RunAsync(script, subscription.Secret, post.Header(WebhookSignature.HeaderName), Convert.ToBase64String(post.Body));

        Assert.Equal("True False", output.Trim());
    }

    [Fact]
    public async Task A_receiver_that_answers_500_gets_the_same_event_again_and_the_second_try_succeeds()
    {
        string bob = await SmtpServerFixture.NewUserAsync(_server);
        WebhookSubscription subscription = await SubscribeAsync(_receiver.Url, TestServer.Domain, MailEventType.Received);
        _receiver.Answer(500);

        await SendOnPort25Async(Message("ann@remote.test", bob, "retry me"));

        var posts = await _receiver.WaitForAsync(2);
        Assert.Equal([500, 200], posts.Select(p => p.Answered));
        Assert.Equal(posts[0].Header(EventStage.DeliveryHeader), posts[1].Header(EventStage.DeliveryHeader));
        AssertSigned(posts[1], subscription);
        await Task.Delay(1500);
        Assert.Equal(2, _receiver.Posts.Count);
    }

    [Fact]
    public async Task A_submission_delivered_to_a_remote_server_is_posted_to_the_senders_subscription_as_message_delivered()
    {
        string alice = await SmtpServerFixture.NewUserAsync(_server);
        WebhookSubscription subscription = await SubscribeAsync(_receiver.Url, alice, MailEventType.Delivered, MailEventType.Bounced);

        await SubmitAsync(alice, Message(alice, "friend@remote.test", "to a friend"));

        var post = Assert.Single(await _receiver.WaitForAsync(1));
        Assert.Equal("message.delivered", post.Header(EventStage.EventHeader));
        AssertSigned(post, subscription);
        using var json = JsonDocument.Parse(post.Body);
        Assert.Equal(alice, json.RootElement.GetProperty("envelope").GetProperty("from").GetString());
        var recipient = Assert.Single(json.RootElement.GetProperty("recipients").EnumerateArray());
        Assert.Equal(("friend@remote.test", "delivered", RecordingOutboundTransport.DeliveredReply),
            (recipient.GetProperty("address").GetString(), recipient.GetProperty("status").GetString(), recipient.GetProperty("reply").GetString()));
        Assert.Equal("to a friend", json.RootElement.GetProperty("headers").GetProperty("subject").GetString());
        Assert.False(json.RootElement.TryGetProperty("raw", out _));
    }

    [Fact]
    public async Task A_permanent_failure_is_posted_as_message_bounced_with_the_remote_reply()
    {
        string alice = await SmtpServerFixture.NewUserAsync(_server);
        _transport.Script("gone@remote.test", (RecipientOutcome.Permanent, "550 5.1.1 no such user"));
        await SubscribeAsync(_receiver.Url, TestServer.Domain, MailEventType.Bounced);

        await SubmitAsync(alice, Message(alice, "gone@remote.test", "to nobody"));

        var post = Assert.Single(await _receiver.WaitForAsync(1));
        Assert.Equal("message.bounced", post.Header(EventStage.EventHeader));
        using var json = JsonDocument.Parse(post.Body);
        var recipient = Assert.Single(json.RootElement.GetProperty("recipients").EnumerateArray());
        Assert.Equal(("gone@remote.test", "failed", "550 5.1.1 no such user"),
            (recipient.GetProperty("address").GetString(), recipient.GetProperty("status").GetString(), recipient.GetProperty("reply").GetString()));
        await Task.Delay(1000);
        Assert.Single(_receiver.Posts); // the bounce that came back to alice is mail received, not subscribed here
    }
}
