using System.Text;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Queue;
using CloudMail.SendApi.Tests.Fakes;
using MimeKit;

namespace CloudMail.SendApi.Tests;

public sealed class SendApiHandlerTests
{
    private readonly SendApiHarness _api = new();

    private static string IdOf(SendApiResult result) => Assert.IsType<SendApiResult.Accepted>(result).Response.MessageId;

    private static ApiProblem ProblemOf(SendApiResult result, int status)
    {
        var problem = Assert.IsType<SendApiResult.Problem>(result).Details;
        Assert.Equal(status, problem.Status);
        return problem;
    }

    [Fact]
    public async Task Json_is_stored_recorded_pending_and_queued_before_202()
    {
        string id = IdOf(await _api.JsonAsync("""{"from":"app@example.test","to":["bob@example.test"],"bcc":["carol@example.test"],"subject":"hi","text":"hello"}"""));
        var job = Assert.Single(_api.Queue.Waiting);
        Assert.Equal((QueueNames.Inbound, id, id), (job.Queue, job.Job.JobId, job.Job.MessageId));
        Assert.Equal(["bob@example.test", "carol@example.test"], job.Job.Envelope.Recipients);
        Assert.Equal("app@example.test", job.Job.Envelope.MailFrom);
        Assert.Equal("app@example.test", job.Job.Envelope.AuthenticatedUser);
        Assert.Equal("192.0.2.1", job.Job.Envelope.RemoteAddress);
        Assert.Equal(_api.Blobs.Blobs[id].Length, job.Job.Blob.Size);
        var records = await _api.Log.GetAsync(id, CancellationToken.None);
        Assert.All(records, r => Assert.Equal((DeliveryStatus.Pending, 0), (r.Status, r.Attempts)));
        Assert.Equal(2, records.Count);
        var stored = MimeMessage.Load(new MemoryStream(_api.Blobs.Blobs[id]));
        Assert.Empty(stored.Bcc);
        Assert.Equal(id + "@example.test", stored.MessageId);
    }

    [Fact]
    public async Task Raw_mime_is_accepted_with_envelope_from_headers_and_bcc_stripped()
    {
        string id = IdOf(await _api.RawAsync("From: app@example.test\r\nTo: bob@example.test\r\nBcc: carol@example.test\r\nSubject: raw\r\n\r\nbody\r\n"));
        Assert.Equal(["bob@example.test", "carol@example.test"], _api.Queue.Waiting.Single().Job.Envelope.Recipients);
        Assert.DoesNotContain("carol@example.test", Encoding.ASCII.GetString(_api.Blobs.Blobs[id]));
    }

    [Theory]
    [InlineData("Subject: Gr\u00fc\u00dfe aus K\u00f6ln\r\n", true)]
    [InlineData("Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n", false)]
    public async Task A_raw_message_with_UTF8_header_fields_is_SMTPUTF8_mail(string subject, bool smtpUtf8)
    {
        await _api.RawAsync("From: app@example.test\r\nTo: bob@example.test\r\n" + subject + "\r\nbody\r\n");

        Assert.Equal(smtpUtf8, _api.Queue.Waiting.Single().Job.Envelope.SmtpUtf8);
    }

    [Theory]
    [InlineData(null, null, "No API key was sent")]
    [InlineData("Bearer cm_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", null, "not valid")]
    [InlineData("Bearer nonsense", null, "not valid")]
    [InlineData("Basic dXNlcjpwYXNz", null, "Bearer scheme")]
    [InlineData(null, "wrong", "not valid")]
    public async Task Missing_or_wrong_keys_are_401_without_echoing_the_key(string? authorization, string? apiKeyHeader, string expected)
    {
        var problem = ProblemOf(await _api.JsonAsync(SendApiHarness.SimpleJson, new SendApiCall(authorization, apiKeyHeader, null, "192.0.2.1")), 401);
        Assert.Contains(expected, problem.Detail);
        Assert.DoesNotContain("aaaaaaaa", problem.Detail);
        Assert.Empty(_api.Blobs.Blobs);
    }

    [Fact]
    public async Task The_x_api_key_header_and_a_lower_case_scheme_work()
    {
        IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, new SendApiCall(null, _api.Key.Key, null, "192.0.2.1")));
        IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, new SendApiCall("bearer " + _api.Key.Key, null, null, "192.0.2.1")));
    }

    [Fact]
    public async Task A_revoked_key_is_401()
    {
        await _api.Keys.RevokeAsync(_api.Key.Info.KeyId, CancellationToken.None);
        ProblemOf(await _api.JsonAsync(SendApiHarness.SimpleJson), 401);
    }

    [Theory]
    [InlineData("""{"from":"app@other.test","to":["bob@example.test"],"text":"x"}""")]
    [InlineData("""{"from":"app@sub.example.test","to":["bob@example.test"],"text":"x"}""")]
    public async Task A_sender_outside_the_keys_domain_is_403(string json)
    {
        var problem = ProblemOf(await _api.JsonAsync(json), 403);
        Assert.Contains("only send from addresses at example.test", problem.Detail);
        Assert.Empty(_api.Blobs.Blobs);
    }

    [Fact]
    public async Task A_raw_message_with_a_foreign_sender_header_is_403() =>
        ProblemOf(await _api.RawAsync("From: app@example.test\r\nSender: x@other.test\r\nTo: b@x.test\r\n\r\nbody\r\n"), 403);

    [Fact]
    public async Task A_key_whose_domain_was_removed_is_403()
    {
        await _api.Directory.RemoveDomainAsync(SendApiHarness.Domain, CancellationToken.None);
        Assert.Contains("no longer served", ProblemOf(await _api.JsonAsync(SendApiHarness.SimpleJson), 403).Detail);
    }

    [Fact]
    public async Task Malformed_json_is_400_and_invalid_values_are_422()
    {
        ProblemOf(await _api.JsonAsync("{not json"), 400);
        ProblemOf(await _api.JsonAsync("""{"from":"app@example.test","to":["bob@example.test"],"text":"x","headers":{"Bcc":"eve@x.test"}}"""), 422);
        Assert.Empty(_api.Blobs.Blobs);
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        _api.Options.MaxRequestSize = 100;
        ProblemOf(await _api.JsonAsync("""{"from":"app@example.test","to":["bob@example.test"],"text":""" + "\"" + new string('a', 200) + "\"}"), 413);
    }

    [Fact]
    public async Task A_message_whose_encoding_exceeds_the_limit_is_413_and_not_stored()
    {
        _api.Options.MaxMessageSize = 2000;
        string content = Convert.ToBase64String(new byte[1800]); // fits before encoding, not after base64 and headers
        var result = await _api.JsonAsync($$"""{"from":"app@example.test","to":["bob@example.test"],"attachments":[{"filename":"a.bin","contentBase64":"{{content}}"}]}""");
        Assert.Contains("encoded message", ProblemOf(result, 413).Detail);
        Assert.Empty(_api.Blobs.Blobs);
        Assert.Empty(_api.Queue.Waiting);
    }

    [Fact]
    public async Task A_bad_idempotency_key_header_is_400() =>
        ProblemOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call(idempotencyKey: "")), 400);

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_same_id_and_writes_once()
    {
        string first = IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42")));
        byte[] stored = _api.Blobs.Blobs[first];
        string second = IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42")));
        Assert.Equal(first, second);
        Assert.Equal(IdempotencyKeys.DeriveMessageId(_api.Key.Info.KeyId, "order-42"), first);
        Assert.Equal(1, _api.Blobs.Commits);
        Assert.Same(stored, _api.Blobs.Blobs[first]);
        Assert.Single(_api.Queue.Accepted);
    }

    [Fact]
    public async Task A_retry_after_the_message_was_routed_enqueues_nothing()
    {
        string id = IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42")));
        _api.Queue.Complete(id);
        await _api.Log.RecordAsync(new DeliveryRecord(id, "bob@example.test", DeliveryStatus.Delivered, 1, "250", DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(id, IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42"))));
        Assert.Empty(_api.Queue.Waiting);
        Assert.Single(_api.Queue.Accepted);
    }

    [Fact]
    public async Task A_retry_after_the_keys_record_and_the_delivery_log_were_forgotten_routes_nothing_while_the_message_is_stored()
    {
        string id = IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42")));
        _api.Queue.Complete(id);
        await _api.Log.RecordAsync(new DeliveryRecord(id, "bob@example.test", DeliveryStatus.Delivered, 1, "250", DateTimeOffset.UtcNow), CancellationToken.None);
        // Retention forgot both (the stored message stays: a mailbox holds it).
        Assert.Equal(1, await _api.Idempotency.ForgetClaimedBeforeAsync(DateTimeOffset.MaxValue, CancellationToken.None));
        Assert.Equal(1, await _api.Log.ForgetSettledBeforeAsync(DateTimeOffset.MaxValue, CancellationToken.None));

        Assert.Equal(id, IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42"))));

        Assert.Empty(_api.Queue.Waiting);
        Assert.Single(_api.Queue.Accepted);
        Assert.Equal(1, _api.Blobs.Commits);
    }

    [Fact]
    public async Task A_retry_after_a_crash_between_blob_commit_and_enqueue_enqueues_the_job()
    {
        string id = IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42")));
        var original = _api.Queue.Waiting.Single().Job;
        _api.Queue.Complete(id); // as if the job had never been written
        Assert.Equal(id, IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42"))));
        var requeued = _api.Queue.Waiting.Single().Job;
        Assert.Equal(original.Blob, requeued.Blob);
        Assert.Equal(1, _api.Blobs.Commits);
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_with_a_different_body_is_422_and_stores_nothing()
    {
        string first = IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42")));
        string other = SendApiHarness.SimpleJson.Replace("hello", "goodbye", StringComparison.Ordinal);

        var problem = ProblemOf(await _api.JsonAsync(other, _api.Call("order-42")), 422);

        Assert.Equal("urn:cloudmail:problem:idempotency-key-reused", problem.Type);
        Assert.Equal(1, _api.Blobs.Commits);
        Assert.Single(_api.Queue.Accepted);
        Assert.Equal(first, IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42"))));
    }

    [Fact]
    public async Task Reusing_an_idempotency_key_for_a_raw_message_after_a_json_one_is_422()
    {
        IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42")));
        ProblemOf(await _api.RawAsync("From: app@example.test\r\nTo: bob@example.test\r\n\r\nhello\r\n", _api.Call("order-42")), 422);
        Assert.Equal(1, _api.Blobs.Commits);
    }

    [Fact]
    public async Task A_raw_retry_with_the_same_bytes_returns_the_same_id_and_a_changed_one_is_422()
    {
        const string mime = "From: app@example.test\r\nTo: bob@example.test\r\nSubject: raw\r\n\r\nbody\r\n";
        string first = IdOf(await _api.RawAsync(mime, _api.Call("raw-1")));
        Assert.Equal(first, IdOf(await _api.RawAsync(mime, _api.Call("raw-1"))));
        ProblemOf(await _api.RawAsync(mime.Replace("body", "other body", StringComparison.Ordinal), _api.Call("raw-1")), 422);
        Assert.Equal(1, _api.Blobs.Commits);
        Assert.Single(_api.Queue.Accepted);
    }

    [Fact]
    public async Task A_key_whose_first_request_failed_in_storage_accepts_the_same_body_later_and_refuses_another()
    {
        _api.Blobs.FailCommits = new IOException("disk gone");
        ProblemOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42")), 503);
        _api.Blobs.FailCommits = null;

        ProblemOf(await _api.JsonAsync(SendApiHarness.SimpleJson.Replace("hello", "bye", StringComparison.Ordinal), _api.Call("order-42")), 422);
        IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42")));
        Assert.Single(_api.Queue.Accepted);
    }

    [Fact]
    public async Task A_remote_recipient_is_422_while_no_route_exists_and_nothing_is_stored()
    {
        var problem = ProblemOf(await _api.JsonAsync("""{"from":"app@example.test","to":["bob@example.test"],"cc":["eve@far.test"],"text":"x"}"""), 422);
        Assert.Contains("eve@far.test", Assert.Single(problem.Errors![SendApiHandler.RecipientsField]));
        Assert.Contains("remote delivery is not available", problem.Detail);
        ProblemOf(await _api.RawAsync("From: app@example.test\r\nTo: eve@far.test\r\n\r\nbody\r\n"), 422);
        Assert.Empty(_api.Blobs.Blobs);
        Assert.Empty(_api.Queue.Accepted);
    }

    [Fact]
    public async Task A_remote_recipient_is_accepted_once_a_route_exists()
    {
        _api.Route.CanDeliverRemotely = true;
        IdOf(await _api.JsonAsync("""{"from":"app@example.test","to":["eve@far.test"],"text":"x"}"""));
    }

    [Fact]
    public async Task An_unknown_user_of_a_local_domain_is_422()
    {
        var problem = ProblemOf(await _api.JsonAsync("""{"from":"app@example.test","to":["nobody@example.test"],"text":"x"}"""), 422);
        Assert.Contains("not a user of this server", problem.Errors![SendApiHandler.RecipientsField][0]);
        Assert.Empty(_api.Blobs.Blobs);
    }

    [Fact]
    public async Task The_same_idempotency_key_under_another_api_key_is_another_message()
    {
        var other = await _api.Keys.CreateAsync(SendApiHarness.Domain, CancellationToken.None);
        string a = IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42")));
        string b = IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson, _api.Call("order-42", other.Key)));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public async Task Storage_failure_is_503_and_nothing_is_accepted()
    {
        _api.Blobs.Failure = new IOException("disk gone");
        var problem = ProblemOf(await _api.JsonAsync(SendApiHarness.SimpleJson), 503);
        Assert.Contains("nothing was accepted", problem.Detail);
        Assert.Empty(_api.Queue.Waiting);
    }

    [Fact]
    public async Task Status_lists_each_recipient_from_the_delivery_log()
    {
        _api.Route.CanDeliverRemotely = true;
        string id = IdOf(await _api.JsonAsync("""{"from":"app@example.test","to":["bob@example.test","eve@far.test"],"text":"x"}"""));
        await _api.Log.RecordAsync(new DeliveryRecord(id, "bob@example.test", DeliveryStatus.Delivered, 1, "250 2.0.0 delivered", DateTimeOffset.UtcNow), CancellationToken.None);
        var status = Assert.IsType<SendApiResult.Status>(await _api.Handler.GetStatusAsync(_api.Call(), id, CancellationToken.None)).Response;
        Assert.Equal(id, status.MessageId);
        Assert.Equal([("bob@example.test", "delivered", 1), ("eve@far.test", "pending", 0)], status.Recipients.Select(r => (r.Address, r.Status, r.Attempts)));
    }

    [Fact]
    public async Task Status_shows_remote_delivery_deferred_with_the_remote_reply_and_attempts_and_bounced_as_failed()
    {
        _api.Route.CanDeliverRemotely = true;
        string id = IdOf(await _api.JsonAsync("""{"from":"app@example.test","to":["eve@far.test","zed@far.test"],"text":"x"}"""));
        await _api.Log.RecordAsync(new DeliveryRecord(id, "eve@far.test", DeliveryStatus.Deferred, 2, "451 4.7.1 greylisted", DateTimeOffset.UtcNow), CancellationToken.None);
        await _api.Log.RecordAsync(new DeliveryRecord(id, "zed@far.test", DeliveryStatus.Failed, 1, "550 5.1.1 no such user", DateTimeOffset.UtcNow), CancellationToken.None);

        var status = Assert.IsType<SendApiResult.Status>(await _api.Handler.GetStatusAsync(_api.Call(), id, CancellationToken.None)).Response;

        Assert.Equal([("eve@far.test", "deferred", 2, "451 4.7.1 greylisted"), ("zed@far.test", "failed", 1, "550 5.1.1 no such user")],
            status.Recipients.Select(r => (r.Address, r.Status, r.Attempts, r.LastReply)));
    }

    [Fact]
    public async Task Status_of_another_domains_message_is_404_like_an_unknown_id()
    {
        var foreignKey = await _api.Keys.CreateAsync("other.test", CancellationToken.None);
        string id = IdOf(await _api.JsonAsync(SendApiHarness.SimpleJson));
        var foreign = _api.Call(key: foreignKey.Key);
        ProblemOf(await _api.Handler.GetStatusAsync(foreign, id, CancellationToken.None), 404);
        ProblemOf(await _api.Handler.GetStatusAsync(_api.Call(), "0123456789abcdef0123456789ab", CancellationToken.None), 404);
        ProblemOf(await _api.Handler.GetStatusAsync(_api.Call(), "../../etc/passwd", CancellationToken.None), 404);
        ProblemOf(await _api.Handler.GetStatusAsync(new SendApiCall(null, null, null, "x"), id, CancellationToken.None), 401);
    }

    [Fact]
    public void Results_serialize_as_json_and_problem_json()
    {
        var (body, type) = SendApiJson.Serialize(new SendApiResult.Accepted(new SubmitResponse("abc")));
        Assert.Equal(("""{"messageId":"abc"}""", "application/json; charset=utf-8"), (Encoding.UTF8.GetString(body), type));
        (body, type) = SendApiJson.Serialize(new SendApiResult.Problem(ApiProblem.Invalid("bad", new Dictionary<string, string[]> { ["to[0]"] = ["x"] })));
        Assert.Equal("application/problem+json", type);
        Assert.Equal("""{"type":"urn:cloudmail:problem:invalid-message","title":"Invalid message","status":422,"detail":"bad","errors":{"to[0]":["x"]}}""", Encoding.UTF8.GetString(body));
    }
}
