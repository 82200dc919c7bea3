using System.Net;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Queue;

namespace CloudMail.AdminApi.Tests.WebConsole;

/// <summary>The queue page's retry and delete buttons over the server's real queue, as a browser posts them.</summary>
[Collection(AdminApiServerCollection.Name)]
public sealed class ConsoleQueueTests(AdminApiServerFixture api) : IDisposable
{
    private readonly ConsoleClient _client = ConsoleClient.For(api.Http.BaseAddress!);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task A_listed_job_is_retried_now_and_an_unknown_job_is_404()
    {
        var job = await api.EnqueueLaterAsync();
        await _client.SignInAsync(api.Key);
        var listed = await _client.GetAsync("/admin/queue");
        string html = await listed.Content.ReadAsStringAsync();
        Assert.Contains($"value=\"{job.JobId}\"", html);
        string csrf = ConsoleClient.CsrfOf(html);

        var retried = await _client.PostAsync("/admin/queue/retry", csrf, ("job", job.JobId));

        Assert.Equal(HttpStatusCode.SeeOther, retried.StatusCode);
        Assert.Contains("is due now", await (await _client.GetAsync(retried.Headers.Location!.ToString())).Content.ReadAsStringAsync());

        var unknown = await _client.PostAsync("/admin/queue/delete", csrf, ("job", "no-such-job"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no waiting or dead-lettered job no-such-job", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_deleted_job_is_logged_as_failed_by_the_administrator()
    {
        var job = await api.EnqueueLaterAsync();
        await _client.SignInAsync(api.Key);
        string csrf = await _client.CsrfOfPageAsync("/admin/queue");

        var deleted = await _client.PostAsync("/admin/queue/delete", csrf, ("job", job.JobId));

        Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        var record = Assert.Single(await api.Server.Get<IDeliveryLog>().GetAsync(job.MessageId, CancellationToken.None));
        Assert.Equal(DeliveryStatus.Failed, record.Status);
        string trace = await (await _client.GetAsync("/admin/trace?id=" + job.MessageId)).Content.ReadAsStringAsync();
        Assert.Contains(QueueAdministration.DeletedReply, trace);
    }
}
