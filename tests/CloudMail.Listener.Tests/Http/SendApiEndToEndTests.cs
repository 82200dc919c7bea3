using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CloudMail.Core.Delivery;
using CloudMail.Listener.Http;
using CloudMail.SendApi;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using MimeKit;

namespace CloudMail.Listener.Tests.Http;

/// <summary>The send API driven with a real HttpClient against the real embedded server; mail read back over IMAP.</summary>
[Collection(SendApiServerCollection.Name)]
public sealed class SendApiEndToEndTests(SendApiServerFixture api)
{
    private static async Task<string> AcceptedIdAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        string id = JsonDocument.Parse(body).RootElement.GetProperty("messageId").GetString()!;
        Assert.Equal($"/api/v1/messages/{id}", response.Headers.Location?.ToString());
        return id;
    }

    [Fact]
    public async Task Json_with_an_attachment_lands_in_the_mailbox_and_reads_back_over_imap_byte_intact()
    {
        string bob = await api.NewUserAsync("bob");
        byte[] attachment = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31 % 256)).ToArray();
        var json = JsonSerializer.Serialize(new
        {
            from = "Billing <billing@example.test>",
            to = new[] { bob },
            subject = "Your invoice ✓",
            text = "Invoice attached.\nThanks.",
            html = "<p>Invoice attached.</p>",
            attachments = new[] { new { filename = "invoice.pdf", contentType = "application/pdf", contentBase64 = Convert.ToBase64String(attachment) } },
            headers = new Dictionary<string, string> { ["X-Campaign"] = "march" },
        });
        string id = await AcceptedIdAsync(await api.PostAsync(SendApiServerFixture.Json(json)));
        await api.WaitForRoutingAsync(id, 1);

        var message = Assert.Single(await api.ReadInboxOverImapAsync(bob));
        Assert.Equal("Your invoice ✓", message.Subject);
        Assert.Equal("billing@example.test", message.From.Mailboxes.Single().Address);
        Assert.Equal(id + "@example.test", message.MessageId);
        Assert.Equal("march", message.Headers["X-Campaign"]);
        Assert.Equal("<p>Invoice attached.</p>", message.HtmlBody);
        var part = Assert.IsType<MimePart>(Assert.Single(message.Attachments));
        Assert.Equal("invoice.pdf", part.FileName);
        using var bytes = new MemoryStream();
        await part.Content!.DecodeToAsync(bytes);
        Assert.Equal(attachment, bytes.ToArray());
    }

    [Fact]
    public async Task Raw_mime_lands_in_the_mailbox_without_its_bcc_header()
    {
        string bob = await api.NewUserAsync("bob");
        string carol = await api.NewUserAsync("carol");
        string mime = $"From: App <app@example.test>\r\nTo: {bob}\r\nBcc: {carol}\r\nSubject: raw hello\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nraw body line\r\n";
        string id = await AcceptedIdAsync(await api.PostAsync(new ByteArrayContent(Encoding.ASCII.GetBytes(mime)) { Headers = { ContentType = new("message/rfc822") } }));
        await api.WaitForRoutingAsync(id, 2);

        foreach (string user in new[] { bob, carol })
        {
            var message = Assert.Single(await api.ReadInboxOverImapAsync(user));
            Assert.Equal("raw hello", message.Subject);
            Assert.Equal("raw body line", message.TextBody?.TrimEnd());
            Assert.Empty(message.Bcc);
            Assert.False(message.Headers.Contains(HeaderId.Bcc));
        }
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_same_id_and_delivers_once()
    {
        string bob = await api.NewUserAsync("bob");
        string json = $$"""{"from":"app@example.test","to":["{{bob}}"],"subject":"once","text":"only once"}""";
        string key = Guid.NewGuid().ToString();
        string first = await AcceptedIdAsync(await api.PostAsync(SendApiServerFixture.Json(json), idempotencyKey: key));
        await api.WaitForRoutingAsync(first, 1);
        string second = await AcceptedIdAsync(await api.PostAsync(SendApiServerFixture.Json(json), idempotencyKey: key));
        string third = await AcceptedIdAsync(await api.PostAsync(SendApiServerFixture.Json(json), idempotencyKey: key));
        Assert.Equal(first, second);
        Assert.Equal(first, third);
        await Task.Delay(500); // give a wrongly re-enqueued job time to show up
        Assert.Single(await api.ReadInboxOverImapAsync(bob));
    }

    [Fact]
    public async Task A_remote_recipient_is_422_while_no_route_exists_and_nothing_is_accepted()
    {
        string bob = await api.NewUserAsync("bob");
        var json = await api.PostAsync(SendApiServerFixture.Json(
            $$"""{"from":"app@example.test","to":["{{bob}}"],"cc":["someone@remote.example"],"text":"hi"}"""));
        var problem = await ProblemAsync(json, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("someone@remote.example", problem.GetProperty("errors").GetProperty("recipients")[0].GetString());
        Assert.Contains("remote delivery is not available", problem.GetProperty("detail").GetString());

        var raw = await api.PostAsync(new ByteArrayContent(Encoding.ASCII.GetBytes($"From: app@example.test\r\nTo: {bob}\r\nBcc: x@remote.example\r\n\r\nhi\r\n"))
        {
            Headers = { ContentType = new("message/rfc822") },
        });
        await ProblemAsync(raw, HttpStatusCode.UnprocessableEntity);
        Assert.Empty(await api.ReadInboxOverImapAsync(bob));
    }

    [Fact]
    public async Task An_unknown_user_of_the_local_domain_is_422()
    {
        var problem = await ProblemAsync(await api.PostAsync(SendApiServerFixture.Json("""{"from":"app@example.test","to":["nobody@example.test"],"text":"x"}""")),
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains("nobody@example.test", problem.GetProperty("errors").GetProperty("recipients")[0].GetString());
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_with_a_different_body_is_422_and_delivers_nothing_new()
    {
        string bob = await api.NewUserAsync("bob");
        string key = Guid.NewGuid().ToString();
        string first = await AcceptedIdAsync(await api.PostAsync(SendApiServerFixture.Json(
            $$"""{"from":"app@example.test","to":["{{bob}}"],"subject":"order","text":"one pizza"}"""), idempotencyKey: key));
        await api.WaitForRoutingAsync(first, 1);

        var changed = await api.PostAsync(SendApiServerFixture.Json(
            $$"""{"from":"app@example.test","to":["{{bob}}"],"subject":"order","text":"two pizzas"}"""), idempotencyKey: key);

        var problem = await ProblemAsync(changed, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:cloudmail:problem:idempotency-key-reused", problem.GetProperty("type").GetString());
        var message = Assert.Single(await api.ReadInboxOverImapAsync(bob));
        Assert.Equal("one pizza", message.TextBody?.TrimEnd());
    }

    [Fact]
    public async Task Status_is_available_at_once_with_every_recipient_pending_or_routed()
    {
        string bob = await api.NewUserAsync("bob");
        string id = await AcceptedIdAsync(await api.PostAsync(SendApiServerFixture.Json($$"""{"from":"app@example.test","to":["{{bob}}"],"text":"hi"}""")));
        var status = await (await api.GetStatusAsync(id)).Content.ReadFromJsonAsync<JsonElement>();
        var only = Assert.Single(status.GetProperty("recipients").EnumerateArray());
        Assert.Contains(only.GetProperty("status").GetString(), new[] { "pending", "delivered" });
    }

    [Fact]
    public async Task A_wrong_key_is_401_with_a_bearer_challenge_and_problem_details()
    {
        var response = await api.PostAsync(SendApiServerFixture.Json("""{"from":"app@example.test","to":["x@example.test"],"text":"x"}"""),
            key: "cm_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("not valid", problem.GetProperty("detail").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task No_key_at_all_is_401_and_explains_how_to_send_one()
    {
        var response = await api.Http.PostAsync("/api/v1/messages", SendApiServerFixture.Json("{}"));
        Assert.Contains("Authorization: Bearer", (await ProblemAsync(response, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_x_api_key_header_is_accepted()
    {
        string bob = await api.NewUserAsync("bob");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages")
        {
            Content = SendApiServerFixture.Json($$"""{"from":"app@example.test","to":["{{bob}}"],"text":"hi"}"""),
            Headers = { { "X-Api-Key", api.ApiKey } },
        };
        await AcceptedIdAsync(await api.Http.SendAsync(request));
    }

    [Fact]
    public async Task A_foreign_sender_is_403()
    {
        var response = await api.PostAsync(SendApiServerFixture.Json("""{"from":"ceo@bank.example","to":["x@example.test"],"text":"wire money"}"""));
        var problem = await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("only send from addresses at example.test", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_malformed_body_is_400_with_the_position_of_the_error()
    {
        var problem = await ProblemAsync(await api.PostAsync(SendApiServerFixture.Json("""{"from": "app@example.test", "to": [""")), HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Header_injection_is_422_naming_the_header()
    {
        var response = await api.PostAsync(SendApiServerFixture.Json(
            """{"from":"app@example.test","to":["x@example.test"],"text":"x","headers":{"X-Tag":"a\r\nBcc: victim@example.test"}}"""));
        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("CR or LF", problem.GetProperty("errors").GetProperty("headers.X-Tag")[0].GetString());
    }

    [Fact]
    public async Task An_unsupported_content_type_is_415()
    {
        var response = await api.PostAsync(new StringContent("from=a", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Contains("application/json", (await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Status_of_an_unknown_or_malformed_id_is_404()
    {
        await ProblemAsync(await api.GetStatusAsync("0123456789abcdef0123456789ab"), HttpStatusCode.NotFound);
        await ProblemAsync(await api.GetStatusAsync("nope"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_routes_are_404_problems()
    {
        await ProblemAsync(await api.Http.GetAsync("/api/v2/whatever"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("PUT", SendApiHttp.MessagesPath, "POST")]
    [InlineData("GET", SendApiHttp.MessagesPath, "POST")]
    [InlineData("DELETE", SendApiHttp.MessagesPath + "/0123456789abcdef0123456789ab", "GET, HEAD")]
    [InlineData("POST", SendApiHttp.HealthPath, "GET, HEAD")]
    [InlineData("PATCH", SendApiHttp.OpenApiPath, "GET, HEAD")]
    public async Task A_route_asked_with_a_method_it_does_not_take_is_405_naming_the_methods_it_takes(string method, string path, string allow)
    {
        // RFC 9110 §15.5.6: 405 MUST carry Allow; a 404 would tell the developer the path is wrong when the method is.
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.ApiKey);
        var response = await api.Http.SendAsync(request);
        var problem = await ProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        Assert.Contains(method, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Head_is_answered_wherever_get_is_with_the_headers_and_no_body()
    {
        // RFC 9110 §9.1: every general-purpose server supports GET and HEAD; monitors probe health with HEAD.
        using var health = await api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, SendApiHttp.HealthPath));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(SendApiHttp.HealthBody.Length, health.Content.Headers.ContentLength);
        Assert.Empty(await health.Content.ReadAsByteArrayAsync());
        using var openApi = await api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, SendApiHttp.OpenApiPath));
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal(SendApiOpenApi.Document().Length, openApi.Content.Headers.ContentLength);
        using var status = new HttpRequestMessage(HttpMethod.Head, SendApiHttp.MessagesPath + "/0123456789abcdef0123456789ab");
        status.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", api.ApiKey);
        using var unknown = await api.Http.SendAsync(status);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty(await unknown.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Health_and_openapi_are_served_without_a_key()
    {
        Assert.Equal(SendApiHttp.HealthBody, await api.Http.GetStringAsync(SendApiHttp.HealthPath));
        var response = await api.Http.GetAsync(SendApiHttp.OpenApiPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SendApiOpenApi.Document(), await response.Content.ReadAsByteArrayAsync());
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/messages", out var messages));
        Assert.True(paths.TryGetProperty("/api/v1/messages/{id}", out _));
        foreach (string status in new[] { "202", "400", "401", "403", "413", "415", "422", "429", "503" })
            Assert.True(messages.GetProperty("post").GetProperty("responses").TryGetProperty(status, out _), status);
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("ProblemDetails", out _));
    }

    [Fact]
    public void The_openapi_document_documents_every_route_the_endpoint_maps_and_nothing_else()
    {
        // The fallback (unknown routes: 404 problem) has no HTTP method metadata and is not a route of the API.
        // The client setup routes (MTA-STS policy, autoconfig, autodiscover) are not part of the API. The admin API's one
        // catch-all route has its own document, checked against its route table in CloudMail.AdminApi.Tests. The web
        // console's pages are HTML, not API. HEAD is served wherever GET is (RFC 9110 §9.1) and is not documented apart.
        var mapped = api.Server.Get<HttpApiHostedService>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !CloudMail.Listener.Http.ClientSetup.ClientSetupEndpoints.Paths.Contains(e.RoutePattern.RawText))
            .Where(e => e.RoutePattern.RawText != AdminApiEndpoints.Pattern)
            .Where(e => !ConsoleEndpoints.Patterns.Contains(e.RoutePattern.RawText))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Where(method => method != "HEAD")
                .Select(method => method + " " + e.RoutePattern.RawText));

        Assert.Equal(OpenApiRoutes.Documented(), mapped.Order(StringComparer.Ordinal));
    }

    internal static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("urn:cloudmail:problem:", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
