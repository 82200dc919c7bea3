using System.Text;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Mailboxes.Structure;
using CloudMail.Listener.Pop3;
using CloudMail.Protocols.Pop3;
using CloudMail.Storage.Embedded;
using CsCheck;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Pop3;

/// <summary>
/// The size POP3 LIST and STAT report (RFC 1939 §5: exact, what RETR sends) is kept with each message's structure when it
/// is stored, so a new process answers STAT from the mailbox index (one read for the maildrop) instead of reading every
/// message: a large maildrop on Blob storage took one blob download per message before its first STAT.
/// </summary>
public sealed class Pop3KeptSizesTests : IAsyncLifetime
{
    private const string Account = "sizes@example.test";
    private AccountStorage _account = null!;

    private EmbeddedStorage _storage => _account.Storage;

    public async Task InitializeAsync() => _account = await AccountStorage.OpenAsync(Account, "pop3sizes");

    public async Task DisposeAsync() => await _account.DisposeAsync();

    [Fact]
    public void The_kept_count_is_what_RETR_sends_whatever_the_line_ends_and_the_chunking()
    {
        var text = Gen.Int[0, 3].Select(i => "a.\r\n"u8[i]).Array[0, 40];
        Gen.Select(text, Gen.Int[1, 8]).Sample((bytes, chunk) =>
        {
            var counter = new CrlfLength();
            for (int i = 0; i < bytes.Length; i += chunk) counter.Write(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
            return counter.Complete() == Pop3MessageEncoder.Measure(bytes);
        });
    }

    [Fact]
    public async Task Sizes_come_from_the_index_without_reading_the_messages_and_match_RETR()
    {
        string[] texts =
        [
            "Subject: crlf\r\n\r\nbody\r\n",
            "Subject: bare line feeds\n\nline one\nline two",   // grows by a CR per line and a last CRLF
            "Subject: mixed\r\n\r\na\nb\r\nc\r",
        ];
        foreach (string text in texts) await AppendAsync(Encoding.ASCII.GetBytes(text));
        var (records, sizes, reads) = await PrimedAsync();
        var answered = new List<long>();
        foreach (var record in records) answered.Add(await sizes.GetAsync(record.Blob, CancellationToken.None));

        Assert.Equal(texts.Select(t => Pop3MessageEncoder.Measure(Encoding.ASCII.GetBytes(t))), answered);
        Assert.Equal([23, 48, 27], answered);
        Assert.Equal(0, reads.Opened);
    }

    [Fact]
    public async Task A_message_kept_without_the_size_is_measured_from_its_blob()
    {
        byte[] bytes = "Subject: old\n\nkept before sizes were\n"u8.ToArray();
        string structure = (await StructureOfMessage.ComputeAsync(new MemoryStream(bytes), CancellationToken.None))!;
        string withoutSize = structure[..structure.LastIndexOf(",\"n\":", StringComparison.Ordinal)] + "}";
        Assert.Null(StoredStructure.TryReadCrlfSize(withoutSize));
        Assert.NotNull(StoredStructure.TryRead(withoutSize));
        await AppendAsync(bytes, withoutSize);
        var (records, sizes, reads) = await PrimedAsync();

        Assert.Equal(Pop3MessageEncoder.Measure(bytes), await sizes.GetAsync(records[0].Blob, CancellationToken.None));
        Assert.Equal(1, reads.Opened);
    }

    [Fact]
    public async Task RETR_of_one_message_reads_its_own_size_and_STAT_the_maildrop_s_in_one_read()
    {
        for (int i = 0; i < 5; i++) await AppendAsync(Encoding.ASCII.GetBytes($"Subject: {i}\n\nline\n"));
        var records = await _storage.Mailboxes.ListForViewAsync(Account, DefaultMailboxes.Inbox, CancellationToken.None);
        var index = Imap.CountingStructureReads.Wrap(_storage.Mailboxes, out var reads);
        var sizes = new Pop3MessageSizes(new CountingBlobs(_storage.Blobs), index);
        var maildrop = new Pop3Maildrop(Account, 1, records);

        Assert.Equal(20, await maildrop.SizeAsync(3, sizes, CancellationToken.None)); // "Subject: 2\r\n\r\nline\r\n"
        Assert.Equal((1, 1), (reads.Count, reads.LargestAsk));
        Assert.Equal(5 * 20, await maildrop.LiveSizeAsync(sizes, CancellationToken.None));
        Assert.Equal((2, 4), (reads.Count, reads.LargestAsk)); // one read for the four not known yet
        Assert.Equal(20, await maildrop.SizeAsync(5, sizes, CancellationToken.None));
        Assert.Equal(100, await maildrop.LiveSizeAsync(sizes, CancellationToken.None));
        Assert.Equal(2, reads.Count);
    }

    [Fact]
    public async Task Message_text_cannot_pose_as_the_kept_size()
    {
        byte[] bytes = "Subject: x,\"n\":7}\r\n\r\nbody\r\n"u8.ToArray();
        var parsed = (await MessageStructureParser.TryParseAsync(new MemoryStream(bytes), CancellationToken.None))!;
        string stored = StoredStructure.TryWrite(parsed)!; // parsed for reading only: no size
        Assert.Null(StoredStructure.TryReadCrlfSize(stored));
        Assert.Null(StoredStructure.TryReadCrlfSize("{\"v\":2,\"n\":5}"));
        Assert.Null(StoredStructure.TryReadCrlfSize("{\"v\":1,\"n\":-5}"));
        Assert.Null(StoredStructure.TryReadCrlfSize(null));
    }

    /// <summary>Stores <paramref name="bytes"/> in INBOX with the structure delivery keeps, or with <paramref name="structure"/>.</summary>
    private async Task AppendAsync(byte[] bytes, string? structure = null)
    {
        structure ??= await StructureOfMessage.ComputeAsync(new MemoryStream(bytes), CancellationToken.None);
        BlobRef blob;
        await using (var writer = _storage.Blobs.CreateWriter(Guid.NewGuid().ToString("N")))
        {
            await writer.WriteAsync(bytes, CancellationToken.None);
            blob = await writer.CommitAsync(CancellationToken.None);
        }
        await _storage.Mailboxes.AppendAllAsync(Account, DefaultMailboxes.Inbox,
            [new MessageToAppend(blob, DateTimeOffset.UtcNow, MessageFlags.None, [], structure)], CancellationToken.None);
    }

    /// <summary>INBOX as a POP3 session lists it, and sizes primed from the index for all of it, blob reads counted.</summary>
    private async Task<(IReadOnlyList<MessageRecord> Records, Pop3MessageSizes Sizes, CountingBlobs Reads)> PrimedAsync()
    {
        var records = await _storage.Mailboxes.ListForViewAsync(Account, DefaultMailboxes.Inbox, CancellationToken.None);
        var reads = new CountingBlobs(_storage.Blobs);
        var sizes = new Pop3MessageSizes(reads, _storage.Mailboxes);
        await sizes.PrimeAsync(Account, records, CancellationToken.None);
        return (records, sizes, reads);
    }

    /// <summary>The real blob store, counting the messages opened.</summary>
    private sealed class CountingBlobs(IMessageBlobStore inner) : IMessageBlobStore
    {
        public int Opened;

        public IBlobWriter CreateWriter(string blobId) => inner.CreateWriter(blobId);

        public Task<Stream> OpenReadAsync(string blobId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Opened);
            return inner.OpenReadAsync(blobId, cancellationToken);
        }

        public Task<bool> ExistsAsync(string blobId, CancellationToken cancellationToken) => inner.ExistsAsync(blobId, cancellationToken);

        public Task DeleteAsync(string blobId, CancellationToken cancellationToken) => inner.DeleteAsync(blobId, cancellationToken);
    }
}
