using System.Net;
using System.Text.Json;
using CloudMail.Core.Directory;
using CloudMail.Core.Queue;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;
using CloudMail.SendApi;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The HTTP send API functions called directly with concrete HttpRequestData doubles, over the real send API handler
/// and embedded storage: the same statuses, headers and bodies as the embedded host's endpoint.
/// </summary>
public sealed class SendApiFunctionsTests : IAsyncLifetime
{
    private FunctionsHarness _h = null!;
    private string _key = null!;

    private SendApiFunctions Functions => _h.Get<SendApiFunctions>();

    public async Task InitializeAsync()
    {
        _h = await FunctionsHarness.StartAsync();
        _key = (await _h.Get<IApiKeyStore>().CreateAsync(FunctionsHarness.Domain, CancellationToken.None)).Key;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string Json(string from, string to) =>
        JsonSerializer.Serialize(new { from, to = new[] { to }, subject = "Hello", text = "Hello from the send API." });

    [Fact]
    public async Task A_json_message_is_accepted_queued_delivered_and_reported_delivered()
    {
        string sender = await _h.NewUserAsync();
        string recipient = await _h.NewUserAsync();
        var request = TestHttpRequest.Post("/api/v1/messages", "application/json", Json(sender, recipient)).With("Authorization", "Bearer " + _key);

        var response = (TestHttpResponse)await Functions.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(SendApiJson.JsonContentType, response.Header("Content-Type"));
        string id = JsonDocument.Parse(response.Text).RootElement.GetProperty("messageId").GetString()!;
        Assert.Equal("/api/v1/messages/" + id, response.Header("Location"));

        var job = Assert.Single(await _h.TakeVisibleAsync(QueueNames.Inbound));
        Assert.Equal(id, job.MessageId);
        Assert.Equal("complete", (await _h.RunInboundAsync(_h.Message(job))).Single.Action);
        Assert.Single(await _h.InboxAsync(recipient));

        var status = (TestHttpResponse)await Functions.StatusAsync(
            TestHttpRequest.Get("/api/v1/messages/" + id).With("X-Api-Key", _key), id, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var entry = Assert.Single(JsonDocument.Parse(status.Text).RootElement.GetProperty("recipients").EnumerateArray());
        Assert.Equal(recipient, entry.GetProperty("address").GetString());
        Assert.Equal("delivered", entry.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_raw_message_is_accepted()
    {
        string sender = await _h.NewUserAsync();
        string recipient = await _h.NewUserAsync();
        string raw = $"From: <{sender}>\r\nTo: <{recipient}>\r\nSubject: raw\r\n\r\nRaw body.\r\n";
        var request = TestHttpRequest.Post("/api/v1/messages", "message/rfc822", raw).With("Authorization", "Bearer " + _key);

        var response = (TestHttpResponse)await Functions.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single(await _h.TakeVisibleAsync(QueueNames.Inbound));
    }

    [Fact]
    public async Task A_wrong_key_gets_401_with_a_bearer_challenge_and_problem_details()
    {
        string sender = await _h.NewUserAsync();
        var request = TestHttpRequest.Post("/api/v1/messages", "application/json", Json(sender, sender))
            .With("Authorization", "Bearer cm_0000000000000000_wrongwrongwrongwrongwrongwrongwrongwrongwro");

        var response = (TestHttpResponse)await Functions.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(SendApiJson.BearerChallenge, response.Header("WWW-Authenticate"));
        Assert.Equal(ApiProblem.ContentType, response.Header("Content-Type"));
        Assert.Equal(401, JsonDocument.Parse(response.Text).RootElement.GetProperty("status").GetInt32());
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Inbound));
    }

    [Fact]
    public async Task A_foreign_sender_gets_403()
    {
        string recipient = await _h.NewUserAsync();
        var request = TestHttpRequest.Post("/api/v1/messages", "application/json", Json("someone@elsewhere.example", recipient))
            .With("X-Api-Key", _key);

        var response = (TestHttpResponse)await Functions.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(FunctionsHarness.Domain, JsonDocument.Parse(response.Text).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unsupported_content_type_gets_415()
    {
        var request = TestHttpRequest.Post("/api/v1/messages", "text/plain", "hello").With("X-Api-Key", _key);

        var response = (TestHttpResponse)await Functions.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("text/plain", JsonDocument.Parse(response.Text).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_body_declared_larger_than_the_limit_gets_413_before_anything_is_read()
    {
        await using var h = await FunctionsHarness.StartAsync(new Dictionary<string, string?> { ["CloudMail:SendApi:MaxRequestSize"] = "100" });
        var request = TestHttpRequest.Post("/api/v1/messages", "application/json", new byte[101]).With("X-Api-Key", _key);

        var response = (TestHttpResponse)await h.Get<SendApiFunctions>().SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, request.Body.Position);
    }

    [Fact]
    public async Task A_malformed_json_body_gets_400()
    {
        var request = TestHttpRequest.Post("/api/v1/messages", "application/json", "{\"from\": ").With("X-Api-Key", _key);

        var response = (TestHttpResponse)await Functions.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_message_id_gets_404()
    {
        var response = (TestHttpResponse)await Functions.StatusAsync(
            TestHttpRequest.Get("/api/v1/messages/x").With("X-Api-Key", _key), "0123456789abcdef0123456789ab", CancellationToken.None);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_is_served_as_stored_in_the_send_api()
    {
        var response = (TestHttpResponse)await Functions.OpenApiAsync(TestHttpRequest.Get(SendApiHttp.OpenApiPath), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SendApiOpenApi.ContentType, response.Header("Content-Type"));
        Assert.Equal(SendApiOpenApi.Document(), ((MemoryStream)response.Body).ToArray());
    }

    [Fact]
    public async Task Health_answers_ok()
    {
        var response = (TestHttpResponse)await Functions.HealthAsync(TestHttpRequest.Get(SendApiHttp.HealthPath), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", response.Text);
    }

    [Theory]
    [InlineData("", "203.0.113.66, 198.51.100.7", "198.51.100.7")]
    [InlineData("198.51.100.0/24", "203.0.113.66, 198.51.100.7", "203.0.113.66")]
    [InlineData("", "203.0.113.66, 198.51.100.7:49152", "198.51.100.7")]
    public async Task The_envelope_has_the_rightmost_untrusted_x_forwarded_for_entry_never_the_client_controlled_first(
        string trustedProxies, string forwardedFor, string expected)
    {
        await using var h = await FunctionsHarness.StartAsync(new Dictionary<string, string?> { ["CloudMail:Functions:TrustedProxies"] = trustedProxies });
        string key = (await h.Get<IApiKeyStore>().CreateAsync(FunctionsHarness.Domain, CancellationToken.None)).Key;
        string user = await h.NewUserAsync();
        var request = TestHttpRequest.Post("/api/v1/messages", "application/json", Json(user, user)).With("X-Api-Key", key)
            .With("X-Forwarded-For", forwardedFor);

        var response = (TestHttpResponse)await h.Get<SendApiFunctions>().SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(expected, Assert.Single(await h.TakeVisibleAsync(QueueNames.Inbound)).Envelope.RemoteAddress);
    }

    [Fact]
    public async Task A_key_with_too_many_bytes_in_flight_gets_429_with_retry_after()
    {
        await using var h = await FunctionsHarness.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:SendApi:MaxRequestSize"] = "10000",
            ["CloudMail:SendApi:MaxInFlightBytesPerKey"] = "15000",
            ["CloudMail:SendApi:InFlightRetryAfter"] = "00:00:07",
        });
        var created = await h.Get<IApiKeyStore>().CreateAsync(FunctionsHarness.Domain, CancellationToken.None);
        string user = await h.NewUserAsync();
        using var earlier = h.Get<InFlightBytes>().Open(created.Info.KeyId);
        Assert.Null(earlier.Reserve(10000)); // a request of the same key still uploading
        var request = TestHttpRequest.Post("/api/v1/messages", "application/json", Json(user, user).PadRight(6000)).With("X-Api-Key", created.Key);

        var response = (TestHttpResponse)await h.Get<SendApiFunctions>().SendAsync(request, CancellationToken.None);

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal("7", response.Header("Retry-After"));
        Assert.Equal(ApiProblem.ContentType, response.Header("Content-Type"));
        Assert.Equal(0, request.Body.Position);
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_with_another_body_gets_422_and_the_same_body_the_first_id()
    {
        string user = await _h.NewUserAsync();
        TestHttpRequest Post(string subject) =>
            TestHttpRequest.Post("/api/v1/messages", "application/json", JsonSerializer.Serialize(new { from = user, to = new[] { user }, subject, text = "x" }))
                .With("X-Api-Key", _key).With("Idempotency-Key", "invoice-7");

        var first = (TestHttpResponse)await Functions.SendAsync(Post("first"), CancellationToken.None);
        var changed = (TestHttpResponse)await Functions.SendAsync(Post("changed"), CancellationToken.None);
        var retry = (TestHttpResponse)await Functions.SendAsync(Post("first"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal((HttpStatusCode)422, changed.StatusCode);
        Assert.Equal("urn:cloudmail:problem:idempotency-key-reused", JsonDocument.Parse(changed.Text).RootElement.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(first.Text, retry.Text);
    }

    [Fact]
    public async Task A_remote_recipient_gets_422_while_no_route_exists()
    {
        string sender = await _h.NewUserAsync();
        var request = TestHttpRequest.Post("/api/v1/messages", "application/json", Json(sender, "friend@remote.example")).With("X-Api-Key", _key);

        var response = (TestHttpResponse)await Functions.SendAsync(request, CancellationToken.None);

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Contains("friend@remote.example", JsonDocument.Parse(response.Text).RootElement.GetProperty("errors").GetProperty("recipients")[0].GetString());
        Assert.Empty(await _h.TakeVisibleAsync(QueueNames.Inbound));
    }
}
