using System.Text.Json;
using CloudMail.Core.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.EndToEnd.Tests.Infrastructure;
using CloudMail.Storage.Embedded;

namespace CloudMail.EndToEnd.Tests;

/// <summary>
/// <c>cloudmail queue ...</c> and <c>cloudmail dkim ...</c> as separate processes on the data folder of a running
/// <c>serve</c>: SQLite in WAL mode lets them read and write beside the server.
/// </summary>
public sealed class QueueAdminWhileServingTests : IAsyncLifetime
{
    private readonly CloudMailProcess _cloudmail = new();

    public async Task InitializeAsync()
    {
        await _cloudmail.AdminAsync(null, "domain", "add", "example.test");
        await _cloudmail.StartAsync();
    }

    public async Task DisposeAsync() => await _cloudmail.DisposeAsync();

    [Fact]
    public async Task Queue_list_show_and_delete_work_while_serve_runs()
    {
        // A delivery job due in an hour, written by a third opener of the folder (the server does not touch it before then).
        string id = MessageIds.New();
        var job = new MailJob(id, id, new BlobRef(id, 100, new string('0', 64)),
            new Envelope("alice@example.test", ["bob@remote.test"], "alice@example.test", "127.0.0.1", "client.test", DateTimeOffset.UtcNow));
        using (EmbeddedStorage storage = EmbeddedStorage.Open(_cloudmail.DataDirectory))
        {
            await storage.Queue.EnqueueAsync(QueueNames.Outbound, job, DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        }

        var list = await _cloudmail.AdminAsync(null, "queue", "list", "--json");
        Assert.True(list.ExitCode == 0, list.Output);
        JsonElement listed = Assert.Single(JsonDocument.Parse(list.Output).RootElement.EnumerateArray(), j => j.GetProperty("id").GetString() == id);
        Assert.Equal("waiting", listed.GetProperty("state").GetString());

        var show = await _cloudmail.AdminAsync(null, "queue", "show", id);
        Assert.True(show.ExitCode == 0, show.Output);
        Assert.Contains("to=bob@remote.test", show.Output);

        var delete = await _cloudmail.AdminAsync(null, "queue", "delete", id);
        Assert.True(delete.ExitCode == 0, delete.Output);
        Assert.DoesNotContain(id, (await _cloudmail.AdminAsync(null, "queue", "list")).Output);
        using (EmbeddedStorage storage = EmbeddedStorage.Open(_cloudmail.DataDirectory))
        {
            DeliveryRecord record = Assert.Single(await storage.DeliveryLog.GetAsync(id, CancellationToken.None));
            Assert.Equal((DeliveryStatus.Failed, QueueAdministration.DeletedReply), (record.Status, record.LastReply));
        }
    }

    [Fact]
    public async Task Queue_deadletters_and_its_replay_option_are_commands_not_settings()
    {
        var list = await _cloudmail.AdminAsync(null, "queue", "deadletters", "--json");
        Assert.True(list.ExitCode == 0, list.Output);
        Assert.Empty(JsonDocument.Parse(list.Output).RootElement.EnumerateArray());

        // "--replay ID" is part of the command (like "--selector S"), not a configuration setting.
        var replay = await _cloudmail.AdminAsync(null, "queue", "deadletters", "--replay", "no-such-job");
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains("no such dead letter: no-such-job", replay.Output);
    }

    [Fact]
    public async Task Dkim_generate_and_list_work_while_serve_runs()
    {
        var generate = await _cloudmail.AdminAsync(null, "dkim", "generate", "example.test", "--selector", "e2e");
        Assert.True(generate.ExitCode == 0, generate.Output);
        Assert.StartsWith("e2e._domainkey.example.test. IN TXT \"v=DKIM1; k=rsa; p=", generate.Output);

        Assert.Contains("e2e  active", (await _cloudmail.AdminAsync(null, "dkim", "list", "example.test")).Output);
    }
}
