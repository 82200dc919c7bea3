using System.Net;
using System.Text.Json;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Listener.Tests.Infrastructure;
using static CloudMail.AdminApi.Tests.AdminApiServerFixture;

namespace CloudMail.AdminApi.Tests;

/// <summary>The queue and message trace resources over the server's real queues and delivery log.</summary>
[Collection(AdminApiServerCollection.Name)]
public sealed class QueueAndTraceTests(AdminApiServerFixture api)
{
    [Fact]
    public async Task A_waiting_job_is_listed_and_shown()
    {
        var job = await api.EnqueueLaterAsync();

        var listed = await api.ListAllAsync("/api/v1/admin/queue", 1000);
        var shown = await JsonAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/queue/" + job.JobId), HttpStatusCode.OK);

        var entry = Assert.Single(listed, j => j.GetProperty("id").GetString() == job.JobId);
        Assert.Equal("outbound", entry.GetProperty("queue").GetString());
        Assert.Equal("waiting", entry.GetProperty("state").GetString());
        Assert.Equal(job.MessageId, shown.GetProperty("messageId").GetString());
        Assert.Equal(JsonValueKind.Array, shown.GetProperty("deliveries").ValueKind);
    }

    [Fact]
    public async Task A_deleted_job_is_gone_and_its_trace_says_its_recipient_failed()
    {
        var job = await api.EnqueueLaterAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/queue/" + job.JobId)).StatusCode);

        await ProblemAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/queue/" + job.JobId), HttpStatusCode.NotFound);
        await ProblemAsync(await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/queue/" + job.JobId), HttpStatusCode.NotFound);
        var trace = await JsonAsync(await api.SendAsync(HttpMethod.Get, $"/api/v1/admin/messages/{job.MessageId}/trace"), HttpStatusCode.OK);
        var recipient = Assert.Single(trace.GetProperty("recipients").EnumerateArray());
        Assert.Equal("failed", recipient.GetProperty("status").GetString());
        Assert.Equal(QueueAdministration.DeletedReply, recipient.GetProperty("lastReply").GetString());
        Assert.Empty(trace.GetProperty("jobs").EnumerateArray());
        var attempt = Assert.Single(trace.GetProperty("attempts").EnumerateArray());
        Assert.Equal("admin", attempt.GetProperty("stage").GetString());
        Assert.Equal("failed", attempt.GetProperty("result").GetString());
        Assert.Equal(recipient.GetProperty("recipient").GetString(), attempt.GetProperty("recipient").GetString());
        Assert.Equal(QueueAdministration.DeletedReply, attempt.GetProperty("reply").GetString());
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("nextAttemptAt").ValueKind);
    }

    [Fact]
    public async Task A_retried_job_is_due_now()
    {
        var job = await api.EnqueueLaterAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await api.SendAsync(HttpMethod.Post, $"/api/v1/admin/queue/{job.JobId}/retry")).StatusCode);

        // A worker may take it at once; while it is still listed, it is no longer an hour away.
        var jobs = await api.Server.Get<ILeasedMailQueue>().ListJobsAsync(QueueNames.Outbound, 1000, CancellationToken.None);
        var after = jobs.SingleOrDefault(j => j.Job.JobId == job.JobId);
        Assert.True(after is null || after.State != QueuedJobState.Waiting || after.NextAttemptAt < DateTimeOffset.UtcNow.AddMinutes(1), after?.ToString());
        await ProblemAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/queue/no-such-job/retry"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_flush_makes_every_waiting_job_due_now()
    {
        var first = await api.EnqueueLaterAsync();
        var second = await api.EnqueueLaterAsync();

        var flushed = await JsonAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/queue/flush"), HttpStatusCode.OK);

        Assert.True(flushed.GetProperty("flushed").GetInt32() >= 2, flushed.ToString()); // other tests' jobs may wait too
        // A worker may take them at once; while they are still listed, they are no longer an hour away.
        var jobs = await api.Server.Get<ILeasedMailQueue>().ListJobsAsync(QueueNames.Outbound, 1000, CancellationToken.None);
        foreach (var job in new[] { first, second })
        {
            var after = jobs.SingleOrDefault(j => j.Job.JobId == job.JobId);
            Assert.True(after is null || after.State != QueuedJobState.Waiting || after.NextAttemptAt < DateTimeOffset.UtcNow.AddMinutes(1), after?.ToString());
        }
    }

    [Fact]
    public async Task A_message_sent_through_the_send_api_is_traced_to_delivered()
    {
        string recipient = $"trace-{Guid.NewGuid():N}"[..14] + "@" + TestServer.Domain;
        await api.SendAsync(HttpMethod.Post, "/api/v1/admin/users", new { address = recipient, password = Password });
        var key = await JsonAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/admin/api-keys", new { domain = TestServer.Domain }), HttpStatusCode.Created);
        var send = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { from = "app@" + TestServer.Domain, to = new[] { recipient }, subject = "Hi", text = "Hello." }),
                System.Text.Encoding.UTF8, "application/json"),
        };
        send.Headers.Authorization = new("Bearer", key.GetProperty("key").GetString());
        var accepted = await JsonAsync(await api.Http.SendAsync(send), HttpStatusCode.Accepted);
        string messageId = accepted.GetProperty("messageId").GetString()!;

        JsonElement entry = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            var trace = await JsonAsync(await api.SendAsync(HttpMethod.Get, $"/api/v1/admin/messages/{messageId}/trace"), HttpStatusCode.OK);
            entry = trace.GetProperty("recipients").EnumerateArray().SingleOrDefault();
            if (entry.ValueKind == JsonValueKind.Object && entry.GetProperty("status").GetString() == "delivered") break;
        }

        Assert.Equal(recipient, entry.GetProperty("recipient").GetString());
        Assert.Equal("delivered", entry.GetProperty("status").GetString());
        Assert.True(entry.GetProperty("attempts").GetInt32() >= 1);
    }

    [Fact]
    public async Task An_unknown_or_malformed_message_id_is_404()
    {
        foreach (string id in new[] { MessageIds.New(), "not-a-message-id" })
            await ProblemAsync(await api.SendAsync(HttpMethod.Get, $"/api/v1/admin/messages/{id}/trace"), HttpStatusCode.NotFound);
    }
}
