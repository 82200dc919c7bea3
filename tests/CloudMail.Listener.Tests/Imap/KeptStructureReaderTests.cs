using System.Reflection;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Storage.Embedded;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// A session's view of a mailbox holds no structures; commands read the kept ones from the real embedded index a batch at
/// a time, in sequence order from the message asked for, and only for the message each record names.
/// </summary>
public sealed class KeptStructureReaderTests : IAsyncLifetime
{
    private const string Account = "kept@example.test";
    private AccountStorage _account = null!;
    private CountingStructureReads _reads = null!;
    private IMailboxIndex _index = null!;

    private EmbeddedStorage _storage => _account.Storage;

    public async Task InitializeAsync()
    {
        _account = await AccountStorage.OpenAsync(Account, "kept");
        _index = CountingStructureReads.Wrap(_storage.Mailboxes, out _reads);
    }

    public async Task DisposeAsync() => await _account.DisposeAsync();

    private static BlobRef NewBlob() => new(Guid.NewGuid().ToString("N"), 100, new string('0', 64));

    /// <summary>Appends <paramref name="count"/> messages, the i-th (from 0) with structure <c>{"n":i}</c> unless <paramref name="without"/> says not.</summary>
    private async Task<SelectedMailbox> SelectAsync(int count, Func<int, bool>? without = null)
    {
        for (int i = 0; i < count; i += MessageToAppend.MaxPerAtomicAppend)
        {
            await _storage.Mailboxes.AppendAllAsync(Account, "INBOX", [.. Enumerable.Range(i, Math.Min(MessageToAppend.MaxPerAtomicAppend, count - i)).Select(n =>
                new MessageToAppend(NewBlob(), DateTimeOffset.UtcNow, MessageFlags.None, [], without?.Invoke(n) == true ? null : $"{{\"n\":{n}}}"))],
                CancellationToken.None);
        }
        var info = await _storage.Mailboxes.GetMailboxAsync(Account, "INBOX", CancellationToken.None);
        return new SelectedMailbox(info!, await _storage.Mailboxes.GetMessagesAsync(Account, "INBOX", CancellationToken.None), readOnly: true);
    }

    [Fact]
    public async Task Reading_every_message_in_order_costs_one_index_read_per_batch_and_gives_each_its_own_structure()
    {
        SelectedMailbox view = await SelectAsync(600, without: n => n == 300);
        var reader = new KeptStructureReader(_index);

        var values = new List<string?>();
        for (int seq = 1; seq <= view.Count; seq++) values.Add(await reader.ReadAsync(Account, view, view.RecordAt(seq), CancellationToken.None));

        Assert.Equal(Enumerable.Range(0, 600).Select(n => n == 300 ? null : $"{{\"n\":{n}}}"), values);
        Assert.Equal((600 + KeptStructureReader.BatchSize - 1) / KeptStructureReader.BatchSize, _reads.Count);
        Assert.Equal(KeptStructureReader.BatchSize, _reads.LargestAsk);
    }

    [Fact]
    public async Task A_view_keeps_records_without_structures_and_blob_hashes_even_when_given_them()
    {
        await SelectAsync(2);
        var info = await _storage.Mailboxes.GetMailboxAsync(Account, "INBOX", CancellationToken.None);
        var listed = await _storage.Mailboxes.GetMessagesAsync(Account, "INBOX", CancellationToken.None);

        var view = new SelectedMailbox(info!, [.. listed.Select(m => m with { Structure = "{\"given\":1}" })], readOnly: false);
        view.Apply(new MailboxChanges(info!.HighestModSeq + 1, [listed[1] with { ModSeq = info.HighestModSeq + 1, Flags = MessageFlags.Seen, Structure = "{}" }], []));
        view.ApplyLocal([listed[0] with { Flags = MessageFlags.Flagged }]);

        Assert.All(view.All, m => Assert.Null(m.Structure));
        Assert.All(view.All, m => Assert.Equal("", m.Blob.Sha256));
        Assert.Equal(listed.Select(m => (m.Blob.Id, m.Blob.Size)), view.All.Select(m => (m.Blob.Id, m.Blob.Size)));
        Assert.Equal([MessageFlags.Flagged, MessageFlags.Seen], view.All.Select(m => m.Flags));
    }

    [Fact]
    public async Task A_structure_kept_for_another_message_under_the_same_UID_is_not_used()
    {
        SelectedMailbox view = await SelectAsync(2);
        var reader = new KeptStructureReader(_index);
        MessageRecord other = view.RecordAt(2) with { Blob = NewBlob() };

        Assert.Equal("{\"n\":0}", await reader.ReadAsync(Account, view, view.RecordAt(1), CancellationToken.None));
        Assert.Null(await reader.ReadAsync(Account, view, other, CancellationToken.None));
        Assert.Equal("{\"n\":1}", await reader.ReadAsync(Account, view, view.RecordAt(2), CancellationToken.None));
    }

    [Fact]
    public async Task A_message_of_a_new_view_is_read_again_and_a_mailbox_gone_keeps_none()
    {
        SelectedMailbox first = await SelectAsync(3);
        var reader = new KeptStructureReader(_index);
        Assert.Equal("{\"n\":2}", await reader.ReadAsync(Account, first, first.RecordAt(3), CancellationToken.None));
        await _storage.Mailboxes.SetStructuresAsync(Account, "INBOX", [new(first.UidAt(3), "{\"again\":1}")], CancellationToken.None);
        var again = new SelectedMailbox((await _storage.Mailboxes.GetMailboxAsync(Account, "INBOX", CancellationToken.None))!,
            await _storage.Mailboxes.GetMessagesAsync(Account, "INBOX", CancellationToken.None), readOnly: true);

        Assert.Equal("{\"again\":1}", await reader.ReadAsync(Account, again, again.RecordAt(3), CancellationToken.None));

        var gone = new SelectedMailbox(new MailboxInfo("Deleted meanwhile", 1, 5, 0, 0, 0, 0, SpecialUse.None), [first.RecordAt(1)], readOnly: true);
        Assert.Null(await reader.ReadAsync(Account, gone, gone.RecordAt(1), CancellationToken.None));
    }
}

/// <summary>The real mailbox index, counting its <see cref="IMailboxIndex.GetStructuresAsync"/> calls and the largest set of UIDs asked.</summary>
public class CountingStructureReads : DispatchProxy // DispatchProxy needs an unsealed type
{
    private IMailboxIndex _inner = null!;

    public int Count { get; private set; }

    public int LargestAsk { get; private set; }

    public static IMailboxIndex Wrap(IMailboxIndex inner, out CountingStructureReads counter)
    {
        var proxy = Create<IMailboxIndex, CountingStructureReads>();
        counter = (CountingStructureReads)(object)proxy;
        counter._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IMailboxIndex.GetStructuresAsync))
        {
            Count++;
            LargestAsk = Math.Max(LargestAsk, ((IReadOnlyCollection<uint>)args![2]!).Count);
        }
        return targetMethod.Invoke(_inner, args);
    }
}
