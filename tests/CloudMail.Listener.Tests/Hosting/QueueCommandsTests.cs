using System.Text.Json;
using CloudMail.Core.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Listener.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary><c>cloudmail queue ...</c> through the admin command dispatcher on the admin host's embedded queue.</summary>
public sealed class QueueCommandsTests : IAsyncLifetime
{
    private readonly AdminHost _admin = new();
    private ILeasedMailQueue Queue => _admin.Get<ILeasedMailQueue>();
    private IDeliveryLog Log => _admin.Get<IDeliveryLog>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _admin.DisposeAsync();

    private static MailJob Job(params string[] recipients)
    {
        string id = MessageIds.New();
        return new MailJob(id, id, new BlobRef(id, 100, new string('0', 64)),
            new Envelope("alice@a.test", recipients, "alice@a.test", "127.0.0.1", "client.a.test", DateTimeOffset.UtcNow));
    }

    /// <summary>A job enqueued on outbound and dead-lettered with <paramref name="reason"/>.</summary>
    private async Task<MailJob> DeadLetteredAsync(string reason)
    {
        MailJob job = Job("carol@c.test");
        await Queue.EnqueueAsync(QueueNames.Outbound, job, null, CancellationToken.None);
        LeasedJob leased = Assert.Single(await Queue.LeaseAsync(QueueNames.Outbound, 10, TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.True(await Queue.DeadLetterAsync(QueueNames.Outbound, leased, reason, CancellationToken.None));
        return job;
    }

    [Fact]
    public async Task List_json_shows_waiting_and_dead_lettered_jobs_in_camel_case()
    {
        MailJob dead = await DeadLetteredAsync("550 5.1.1 <carol@c.test>: no such user");
        MailJob waiting = Job("bob@b.test", "dave@b.test");
        DateTimeOffset next = DateTimeOffset.UtcNow.AddMinutes(30);
        await Queue.EnqueueAsync(QueueNames.Outbound, waiting, next, CancellationToken.None);

        var (code, output, _) = await _admin.RunAsync("queue", "list", "--json");

        Assert.Equal(0, code);
        JsonElement[] jobs = [.. JsonDocument.Parse(output).RootElement.EnumerateArray()];
        Assert.Equal([waiting.JobId, dead.JobId], jobs.Select(j => j.GetProperty("id").GetString()));
        Assert.Equal("outbound", jobs[0].GetProperty("queue").GetString());
        Assert.Equal(waiting.MessageId, jobs[0].GetProperty("messageId").GetString());
        Assert.Equal("waiting", jobs[0].GetProperty("state").GetString());
        Assert.Equal(["bob@b.test", "dave@b.test"], jobs[0].GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(0, jobs[0].GetProperty("attempts").GetInt32());
        Assert.Equal(next.ToUnixTimeMilliseconds(), jobs[0].GetProperty("nextAttemptAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal("deadLettered", jobs[1].GetProperty("state").GetString());
        Assert.Equal(1, jobs[1].GetProperty("attempts").GetInt32());
        Assert.Equal("550 5.1.1 <carol@c.test>: no such user", jobs[1].GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, jobs[1].GetProperty("nextAttemptAt").ValueKind);
    }

    [Fact]
    public async Task List_text_has_one_line_per_job_and_an_empty_queue_prints_nothing_on_stdout()
    {
        var (_, empty, note) = await _admin.RunAsync("queue", "list");
        Assert.Equal("", empty);
        Assert.Contains("no queued jobs", note);

        MailJob dead = await DeadLetteredAsync("expired after 5 days");
        string line = (await _admin.RunAsync("queue", "list")).Out.TrimEnd();
        Assert.Equal($"{dead.JobId}  outbound  deadlettered  attempts=1  next=-  message={dead.MessageId}  to=carol@c.test  reason=expired after 5 days", line);
    }

    [Fact]
    public async Task Show_json_includes_the_delivery_log_of_the_message()
    {
        MailJob job = Job("bob@b.test");
        await Queue.EnqueueAsync(QueueNames.Outbound, job, DateTimeOffset.UtcNow.AddMinutes(10), CancellationToken.None);
        await Log.RecordAsync(new DeliveryRecord(job.MessageId, "bob@b.test", DeliveryStatus.Deferred, 2, "451 4.7.1 greylisted", DateTimeOffset.UtcNow), CancellationToken.None);

        var (code, output, _) = await _admin.RunAsync("queue", "show", job.JobId, "--json");

        Assert.Equal(0, code);
        JsonElement shown = JsonDocument.Parse(output).RootElement;
        Assert.Equal(job.JobId, shown.GetProperty("id").GetString());
        JsonElement delivery = Assert.Single(shown.GetProperty("deliveries").EnumerateArray().ToList());
        Assert.Equal("bob@b.test", delivery.GetProperty("recipient").GetString());
        Assert.Equal("deferred", delivery.GetProperty("status").GetString());
        Assert.Equal(2, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal("451 4.7.1 greylisted", delivery.GetProperty("lastReply").GetString());

        string text = (await _admin.RunAsync("queue", "show", job.JobId)).Out;
        Assert.Contains("bob@b.test  deferred  attempts=2", text);
        Assert.Contains("451 4.7.1 greylisted", text);
    }

    [Fact]
    public async Task Retry_makes_a_waiting_job_due_now()
    {
        MailJob job = Job("bob@b.test");
        await Queue.EnqueueAsync(QueueNames.Outbound, job, DateTimeOffset.UtcNow.AddHours(2), CancellationToken.None);
        Assert.Empty(await Queue.LeaseAsync(QueueNames.Outbound, 10, TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Equal(0, (await _admin.RunAsync("queue", "retry", job.JobId)).Code);

        Assert.Equal(job.JobId, Assert.Single(await Queue.LeaseAsync(QueueNames.Outbound, 10, TimeSpan.FromMinutes(1), CancellationToken.None)).Job.JobId);
    }

    [Fact]
    public async Task Flush_makes_every_waiting_job_due_now_and_leaves_dead_letters_alone()
    {
        MailJob later = Job("bob@b.test"), tomorrow = Job("carol@c.test");
        await Queue.EnqueueAsync(QueueNames.Outbound, later, DateTimeOffset.UtcNow.AddHours(2), CancellationToken.None);
        await Queue.EnqueueAsync(QueueNames.Outbound, tomorrow, DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None);
        MailJob dead = await DeadLetteredAsync("poison");
        Assert.Empty(await Queue.LeaseAsync(QueueNames.Outbound, 10, TimeSpan.FromMinutes(1), CancellationToken.None));

        var (code, output, _) = await _admin.RunAsync("queue", "flush");

        Assert.Equal(0, code);
        Assert.Equal("2 waiting jobs will be attempted now", output.TrimEnd());
        var leased = await Queue.LeaseAsync(QueueNames.Outbound, 10, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(new[] { later.JobId, tomorrow.JobId }.Order(), leased.Select(l => l.Job.JobId).Order());
        Assert.Equal(dead.JobId, Assert.Single(await Queue.ListDeadLettersAsync(QueueNames.Outbound, 10, CancellationToken.None)).Job.JobId);
    }

    [Fact]
    public async Task Retry_moves_a_dead_lettered_job_back_to_its_queue()
    {
        MailJob job = await DeadLetteredAsync("poison");

        var (code, output, _) = await _admin.RunAsync("queue", "retry", job.JobId);

        Assert.Equal(0, code);
        Assert.Contains("attempted now", output);
        Assert.Empty(await Queue.ListDeadLettersAsync(QueueNames.Outbound, 10, CancellationToken.None));
        Assert.Equal(job.JobId, Assert.Single(await Queue.LeaseAsync(QueueNames.Outbound, 10, TimeSpan.FromMinutes(1), CancellationToken.None)).Job.JobId);
    }

    [Fact]
    public async Task Delete_removes_the_job_and_logs_its_open_recipients_as_failed_by_the_administrator()
    {
        MailJob job = Job("bob@b.test", "done@b.test");
        await Queue.EnqueueAsync(QueueNames.Outbound, job, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        await Log.RecordAsync(new DeliveryRecord(job.MessageId, "bob@b.test", DeliveryStatus.Deferred, 3, "421 4.4.2 timeout", DateTimeOffset.UtcNow), CancellationToken.None);
        await Log.RecordAsync(new DeliveryRecord(job.MessageId, "done@b.test", DeliveryStatus.Delivered, 1, "250 2.0.0 ok", DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Equal(0, (await _admin.RunAsync("queue", "delete", job.JobId)).Code);

        Assert.Null(await Queue.FindAsync(QueueNames.Outbound, job.JobId, CancellationToken.None));
        var log = (await Log.GetAsync(job.MessageId, CancellationToken.None)).ToDictionary(r => r.Recipient);
        Assert.Equal(DeliveryStatus.Failed, log["bob@b.test"].Status);
        Assert.Equal(QueueAdministration.DeletedReply, log["bob@b.test"].LastReply);
        Assert.Equal(3, log["bob@b.test"].Attempts);
        Assert.Equal(DeliveryStatus.Delivered, log["done@b.test"].Status);
    }

    [Fact]
    public async Task Delete_of_a_dead_lettered_job_logs_its_recipients_as_failed()
    {
        MailJob job = await DeadLetteredAsync("poison");

        Assert.Equal(0, (await _admin.RunAsync("queue", "delete", job.JobId)).Code);

        Assert.Empty(await Queue.ListDeadLettersAsync(QueueNames.Outbound, 10, CancellationToken.None));
        DeliveryRecord record = Assert.Single(await Log.GetAsync(job.MessageId, CancellationToken.None));
        Assert.Equal((DeliveryStatus.Failed, QueueAdministration.DeletedReply), (record.Status, record.LastReply));
    }

    [Fact]
    public async Task A_job_being_delivered_is_neither_retried_nor_deleted()
    {
        MailJob job = Job("bob@b.test");
        await Queue.EnqueueAsync(QueueNames.Outbound, job, null, CancellationToken.None);
        Assert.Single(await Queue.LeaseAsync(QueueNames.Outbound, 10, TimeSpan.FromMinutes(5), CancellationToken.None));

        var (code, _, error) = await _admin.RunAsync("queue", "delete", job.JobId);
        Assert.Equal(1, code);
        Assert.Contains("being delivered", error);
        Assert.Equal(1, (await _admin.RunAsync("queue", "retry", job.JobId)).Code);
        Assert.Empty(await Log.GetAsync(job.MessageId, CancellationToken.None));
        Assert.Contains("  leased  ", (await _admin.RunAsync("queue", "show", job.JobId)).Out);
    }

    [Fact]
    public async Task Unknown_ids_fail_with_1_and_wrong_usage_exits_2()
    {
        foreach (string verb in new[] { "show", "retry", "delete" })
        {
            var (code, _, error) = await _admin.RunAsync("queue", verb, "no-such-job");
            Assert.Equal(1, code);
            Assert.Contains("no such job", error);
        }
        Assert.Equal(2, (await _admin.RunAsync("queue", "show")).Code);
        Assert.Equal(2, (await _admin.RunAsync("queue", "delete", "x", "--json")).Code);
        Assert.Equal(2, (await _admin.RunAsync("queue", "flush", "x")).Code);
    }

    [Fact]
    public async Task Deadletters_lists_reason_description_enqueued_time_attempts_and_ids_one_line_each()
    {
        var (_, empty, note) = await _admin.RunAsync("queue", "deadletters");
        Assert.Equal("", empty);
        Assert.Contains("no dead letters", note);
        MailJob dead = await DeadLetteredAsync("failed: 550 5.1.1 <carol@c.test>: no such user");
        await Queue.EnqueueAsync(QueueNames.Outbound, Job("bob@b.test"), null, CancellationToken.None); // waiting: not a dead letter

        var (code, output, _) = await _admin.RunAsync("queue", "deadletters");
        Assert.Equal(0, code);
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)).TrimEnd();
        Assert.StartsWith($"{dead.JobId}  outbound  reason=failed  enqueued=", line, StringComparison.Ordinal);
        Assert.EndsWith($"attempts=1  message={dead.MessageId}  to=carol@c.test  description=550 5.1.1 <carol@c.test>: no such user", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deadletters_json_has_camel_case_fields_for_scripts()
    {
        MailJob dead = await DeadLetteredAsync("maxDeliveries: delivered 10 times");

        var (code, output, _) = await _admin.RunAsync("queue", "deadletters", "--json");

        Assert.Equal(0, code);
        JsonElement letter = Assert.Single(JsonDocument.Parse(output).RootElement.EnumerateArray());
        Assert.Equal(dead.JobId, letter.GetProperty("id").GetString());
        Assert.Equal("outbound", letter.GetProperty("queue").GetString());
        Assert.Equal(dead.MessageId, letter.GetProperty("messageId").GetString());
        Assert.Equal("maxDeliveries", letter.GetProperty("reason").GetString());
        Assert.Equal("delivered 10 times", letter.GetProperty("description").GetString());
        Assert.Equal(1, letter.GetProperty("attempts").GetInt32());
        Assert.True((DateTimeOffset.UtcNow - letter.GetProperty("enqueuedAt").GetDateTimeOffset()).Duration() < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Deadletters_replay_sends_the_job_back_to_its_queue_and_an_unknown_id_fails()
    {
        MailJob dead = await DeadLetteredAsync("failed: storage unavailable");

        var (code, output, _) = await _admin.RunAsync("queue", "deadletters", "--replay", dead.JobId);

        Assert.Equal(0, code);
        Assert.Contains("sent back to outbound", output);
        Assert.Empty(await Queue.ListDeadLettersAsync(QueueNames.Outbound, 10, CancellationToken.None));
        LeasedJob again = Assert.Single(await Queue.LeaseAsync(QueueNames.Outbound, 10, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal((dead.JobId, 1), (again.Job.JobId, again.DeliveryCount));

        var (unknown, _, error) = await _admin.RunAsync("queue", "deadletters", "--replay", dead.JobId);
        Assert.Equal(1, unknown);
        Assert.Contains("no such dead letter", error);
        Assert.Equal(2, (await _admin.RunAsync("queue", "deadletters", "--replay")).Code);
    }

    [Fact]
    public void With_Azure_storage_the_dead_letters_are_the_Service_Bus_dead_letter_queues()
    {
        using var host = CloudMail.Listener.Hosting.CloudMailServerBuilder.BuildAdmin(["--CloudMail:Storage=Azure",
            "--CloudMailServiceBus=Endpoint=sb://cloudmail-test.servicebus.windows.net/;SharedAccessKeyName=test;SharedAccessKey=dGVzdA=="]);

        Assert.IsType<CloudMail.Storage.Azure.Queue.ServiceBusDeadLetters>(host.Services.GetRequiredService<IDeadLetterQueue>());
        Assert.Null(host.Services.GetService<ILeasedMailQueue>());
    }
}
