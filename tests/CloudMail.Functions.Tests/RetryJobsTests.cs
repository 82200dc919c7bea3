using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Core.Storage;
using CloudMail.Functions.Queueing;

namespace CloudMail.Functions.Tests;

public sealed class RetryJobsTests
{
    private static readonly MailJob Job = new("abc", "abc", new BlobRef("abc", 1, "00"),
        new Envelope("a@x.test", ["b@y.test"], null, "192.0.2.1", "x.test", DateTimeOffset.UnixEpoch));

    [Fact]
    public void Retry_copies_count_up_from_the_original_job_id()
    {
        var first = RetryJobs.Next(Job);
        var second = RetryJobs.Next(first);

        Assert.Equal(0, RetryJobs.RetryNumber(Job));
        Assert.Equal("abc:retry:1", first.JobId);
        Assert.Equal("abc:retry:2", second.JobId);
        Assert.Equal(2, RetryJobs.RetryNumber(second));
        Assert.Equal(Job.MessageId, second.MessageId);
    }

    [Fact]
    public void Outbound_jobs_keep_their_own_id_in_front()
    {
        var outbound = Job with { JobId = "abc:outbound" };

        Assert.Equal("abc:outbound:retry:1", RetryJobs.Next(outbound).JobId);
        Assert.Equal("abc:outbound:retry:2", RetryJobs.Next(RetryJobs.Next(outbound)).JobId);
    }

    [Theory]
    [InlineData("abc:retry:")]
    [InlineData("abc:retry:x")]
    [InlineData("abc:retry:-1")]
    public void Malformed_retry_suffixes_count_as_no_retry(string jobId) =>
        Assert.Equal(0, RetryJobs.RetryNumber(Job with { JobId = jobId }));
}
