using System.Text;
using CloudMail.Core.Filtering;
using CloudMail.Core.Intake;
using CloudMail.Core.Messages;
using CloudMail.Core.Tests.SendApi.Fakes;
using CloudMail.SendApi.Tests.Fakes;

namespace CloudMail.Filtering.Tests.Core;

/// <summary>Core's MessageIntake with an inbound filter: staging blob, refusal, the checked copy.</summary>
public class MessageIntakeFilterTests
{
    private sealed class StubFilter(InboundVerdict verdict) : IInboundFilter
    {
        public string? Seen { get; private set; }

        public async Task<InboundVerdict> CheckAsync(Envelope envelope, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
        {
            await using var stream = await open(cancellationToken);
            Seen = await new StreamReader(stream).ReadToEndAsync(cancellationToken);
            return verdict;
        }
    }

    private static Envelope Envelope(string? user = null) => new("a@sender.test", ["b@receiver.test"], user, "192.0.2.1", "h.sender.test", DateTimeOffset.UtcNow);

    private const string Message = "Authentication-Results: mx.test; dkim=pass\r\nSubject: hi\r\n\r\nbody\r\n";

    private static async Task<(InMemoryBlobStore Blobs, InMemoryMailQueue Queue, StubFilter Filter, string Id, InboundRejection? Result)> Receive(
        InboundVerdict verdict, string? user = null)
    {
        var blobs = new InMemoryBlobStore();
        var queue = new InMemoryMailQueue();
        var filter = new StubFilter(verdict);
        var intake = new MessageIntake(blobs, queue, null, filter);
        var (id, writer) = intake.Begin(authenticated: user is not null);
        await writer.WriteAsync(Encoding.ASCII.GetBytes(Message), default);
        var result = await intake.CommitCheckedAsync(id, writer, Envelope(user), default);
        return (blobs, queue, filter, id, result);
    }

    [Fact]
    public async Task An_accepted_message_is_stored_once_with_the_verdicts_fields_and_queued()
    {
        var verdict = new InboundVerdict(null, "Authentication-Results: mx.test; spf=pass\r\n", f => f.Contains("mx.test; dkim=pass", StringComparison.Ordinal), "ok");
        var (blobs, queue, filter, id, result) = await Receive(verdict);
        Assert.Null(result);
        Assert.Equal(Message, filter.Seen);
        Assert.Equal("Authentication-Results: mx.test; spf=pass\r\nSubject: hi\r\n\r\nbody\r\n", Encoding.ASCII.GetString(blobs.Blobs[id]));
        Assert.Equal([id], blobs.Blobs.Keys);
        Assert.Equal(id, Assert.Single(queue.Accepted).Blob.Id);
    }

    [Fact]
    public async Task A_refused_message_leaves_nothing_stored_or_queued()
    {
        var refusal = new InboundRejection(550, "5.7.1", "no");
        var (blobs, queue, _, _, result) = await Receive(new InboundVerdict(refusal, "", null, "refused"));
        Assert.Equal(refusal, result);
        Assert.Empty(blobs.Blobs);
        Assert.Empty(queue.Accepted);
    }

    [Fact]
    public async Task Authenticated_mail_and_a_switched_off_filter_are_stored_as_received()
    {
        var (blobs, _, filter, id, result) = await Receive(new InboundVerdict(new InboundRejection(550, "5.7.1", "no"), "X: 1\r\n", null, ""), user: "a@sender.test");
        Assert.Null(result);
        Assert.Null(filter.Seen);
        Assert.Equal(Message, Encoding.ASCII.GetString(blobs.Blobs[id]));

        var off = new MessageIntake(blobs, new InMemoryMailQueue(), null, NoInboundFilter.Instance);
        var (offId, writer) = off.Begin(authenticated: false);
        await writer.WriteAsync(Encoding.ASCII.GetBytes(Message), default);
        Assert.Null(await off.CommitCheckedAsync(offId, writer, Envelope(), default));
        Assert.Equal(Message, Encoding.ASCII.GetString(blobs.Blobs[offId]));
    }
}
