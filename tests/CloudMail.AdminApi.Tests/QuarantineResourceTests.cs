using System.Net;
using CloudMail.Core.Blobs;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Core.Quarantine;
using CloudMail.Listener.Tests.Infrastructure;
using static CloudMail.AdminApi.Tests.AdminApiServerFixture;

namespace CloudMail.AdminApi.Tests;

/// <summary>
/// <c>/quarantine</c> over the server's real quarantine table, blob store and delivery log (entries put there as the
/// inbound stage would; the scan itself with a real clamd is in CloudMail.Filtering.Tests' QuarantineTests).
/// </summary>
[Collection(AdminApiServerCollection.Name)]
public sealed class QuarantineResourceTests(AdminApiServerFixture api)
{
    /// <summary>A stored message for a remote recipient, quarantined, and its recipient logged so.</summary>
    private async Task<QuarantineEntry> QuarantinedAsync()
    {
        string id = MessageIds.New();
        BlobRef blob;
        await using (var writer = api.Server.Get<IMessageBlobStore>().CreateWriter(id))
        {
            await writer.WriteAsync("Subject: x\r\n\r\ninfected\r\n"u8.ToArray(), CancellationToken.None);
            blob = await writer.CommitAsync(CancellationToken.None);
        }
        var envelope = new Envelope("sender@" + TestServer.Domain, ["nobody-" + id[..8] + "@" + TestServer.Domain], "sender@" + TestServer.Domain, "192.0.2.1",
            QuarantineNames.SendApiHeloName, DateTimeOffset.UtcNow);
        var entry = new QuarantineEntry(id, new MailJob(id, id, blob, envelope), "Test-Signature", DateTimeOffset.UtcNow);
        Assert.True(await api.Server.Get<IQuarantineStore>().AddAsync(entry, CancellationToken.None));
        await api.Server.Get<IDeliveryLog>().RecordAsync(new DeliveryRecord(id, envelope.Recipients[0], DeliveryStatus.Quarantined, 1,
            PipelineVirusCheck.QuarantinedReply("Test-Signature"), DateTimeOffset.UtcNow), CancellationToken.None);
        return entry;
    }

    [Fact]
    public async Task An_entry_is_listed_and_shown_with_its_facts_and_the_trace_shows_it_quarantined()
    {
        var entry = await QuarantinedAsync();

        var listed = await api.ListAllAsync("/api/v1/admin/quarantine", 1);
        var shown = await JsonAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/quarantine/" + entry.MessageId), HttpStatusCode.OK);
        var trace = await JsonAsync(await api.SendAsync(HttpMethod.Get, $"/api/v1/admin/messages/{entry.MessageId}/trace"), HttpStatusCode.OK);

        Assert.Single(listed, e => e.GetProperty("messageId").GetString() == entry.MessageId);
        Assert.Equal("Test-Signature", shown.GetProperty("signature").GetString());
        Assert.Equal("send-api", shown.GetProperty("source").GetString());
        Assert.Equal(entry.Job.Envelope.Recipients, shown.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(entry.Job.Blob.Size, shown.GetProperty("size").GetInt64());
        Assert.Equal("quarantined", trace.GetProperty("recipients")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Deleting_removes_the_entry_and_its_bytes_and_logs_the_recipient_failed()
    {
        var entry = await QuarantinedAsync();

        var deleted = await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/quarantine/" + entry.MessageId);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/quarantine/" + entry.MessageId), HttpStatusCode.NotFound);
        Assert.False(await api.Server.Get<IMessageBlobStore>().ExistsAsync(entry.MessageId, CancellationToken.None));
        var record = Assert.Single(await api.Server.Get<IDeliveryLog>().GetAsync(entry.MessageId, CancellationToken.None));
        Assert.Equal(DeliveryStatus.Failed, record.Status);
        Assert.Contains("deleted from quarantine", record.LastReply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems_and_changes_need_the_write_scope()
    {
        var entry = await QuarantinedAsync();
        string unknown = MessageIds.New();

        await ProblemAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/quarantine/" + unknown), HttpStatusCode.NotFound);
        await ProblemAsync(await api.SendAsync(HttpMethod.Post, $"/api/v1/admin/quarantine/{unknown}/release"), HttpStatusCode.NotFound);
        await ProblemAsync(await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/quarantine/not%20an%20id"), HttpStatusCode.NotFound);
        await ProblemAsync(await api.SendAsync(HttpMethod.Post, $"/api/v1/admin/quarantine/{entry.MessageId}/release", key: api.ReadKey), HttpStatusCode.Forbidden);
        await ProblemAsync(await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/quarantine/" + entry.MessageId, key: api.ReadKey), HttpStatusCode.Forbidden);
        await ProblemAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/admin/quarantine", key: api.WriteKey), HttpStatusCode.Forbidden);
        Assert.NotNull(await api.Server.Get<IQuarantineStore>().GetAsync(entry.MessageId, CancellationToken.None));
    }
}
