using CloudMail.Core.Blobs;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Core.Quarantine;

namespace CloudMail.ContractTests;

/// <summary>The <see cref="IQuarantineStore"/> contract: one entry per message id, the job round-trips, newest first.</summary>
public abstract class QuarantineStoreContractTests : ContractTest<IQuarantineStore>
{
    protected IQuarantineStore Store => Subject;

    private static QuarantineEntry Entry(string signature, DateTimeOffset at)
    {
        string id = MessageIds.New();
        string domain = Unique.Domain();
        var envelope = new Envelope("sender@" + domain, ["a@" + domain, "b@" + domain], "sender@" + domain, "192.0.2.7", "http-api",
            at.AddSeconds(-5), Junk: false, Verdict: null, ScanPending: true);
        var job = new MailJob(id, id, new BlobRef(id, 1234, "abc123"), envelope, Recipients: ["b@" + domain]);
        return new QuarantineEntry(id, job, signature, at);
    }

    [Fact]
    public async Task An_added_entry_reads_back_with_its_job_envelope_and_signature()
    {
        var entry = Entry("Eicar-Test-Signature", TestData.Now());
        Assert.True(await Store.AddAsync(entry, Ct));

        var read = await Store.GetAsync(entry.MessageId, Ct);
        Assert.NotNull(read);
        Assert.Equal(entry.MessageId, read.MessageId);
        Assert.Equal(entry.Signature, read.Signature);
        Assert.Equal(entry.QuarantinedAt, read.QuarantinedAt);
        Assert.Equal(entry.Job.Blob, read.Job.Blob);
        Assert.Equal(entry.Job.EffectiveRecipients, read.Job.EffectiveRecipients);
        Assert.Equal(entry.Job.Envelope.Recipients, read.Job.Envelope.Recipients);
        Assert.Equal(entry.Job.Envelope with { Recipients = [] }, read.Job.Envelope with { Recipients = [] });
        Assert.Equal("send-api", read.Source);
    }

    [Fact]
    public async Task Adding_the_same_message_twice_reports_it_and_keeps_the_first()
    {
        var first = Entry("First-Signature", TestData.Now());
        Assert.True(await Store.AddAsync(first, Ct));
        Assert.False(await Store.AddAsync(first with { Signature = "Second-Signature" }, Ct));
        Assert.Equal("First-Signature", (await Store.GetAsync(first.MessageId, Ct))!.Signature);
    }

    [Fact]
    public async Task Entries_are_listed_newest_first_and_removed_once()
    {
        DateTimeOffset now = TestData.Now();
        var older = Entry("Older", now.AddMinutes(-2));
        var newer = Entry("Newer", now.AddMinutes(-1));
        Assert.True(await Store.AddAsync(older, Ct));
        Assert.True(await Store.AddAsync(newer, Ct));

        var mine = (await Store.ListAsync(Ct)).Where(e => e.MessageId == older.MessageId || e.MessageId == newer.MessageId).Select(e => e.Signature);
        Assert.Equal(["Newer", "Older"], mine);

        Assert.True(await Store.RemoveAsync(older.MessageId, Ct));
        Assert.False(await Store.RemoveAsync(older.MessageId, Ct));
        Assert.Null(await Store.GetAsync(older.MessageId, Ct));
        Assert.DoesNotContain(await Store.ListAsync(Ct), e => e.MessageId == older.MessageId);
        Assert.NotNull(await Store.GetAsync(newer.MessageId, Ct));
    }

    [Fact]
    public async Task An_unknown_message_is_not_there()
    {
        Assert.Null(await Store.GetAsync(MessageIds.New(), Ct));
        Assert.False(await Store.RemoveAsync(MessageIds.New(), Ct));
    }
}
