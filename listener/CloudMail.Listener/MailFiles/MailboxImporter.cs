using CloudMail.Core.Mailboxes.Structure;
using System.Security.Cryptography;
using CloudMail.Core.Blobs;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// Adds imported messages to one account's mailboxes through the Core contracts (<see cref="IMessageBlobStore"/>, then
/// <see cref="IMailboxIndex.AppendAsync(string, string, MessageToAppend, string?, CancellationToken)"/>, as IMAP APPEND does), so it works on either storage backend.
/// <para>Idempotent: a message is keyed by mailbox, SHA-256 and size of its stored bytes (both backends keep them in
/// every <see cref="BlobRef"/>). When a mailbox is first used, the keys of the messages it holds are counted; the
/// n-th source message with a key is added only when the mailbox held fewer than n messages with that key, so importing
/// the same source again adds nothing, and identical messages within one source are all imported the first time.
/// (The index's append keys are not used: they are forgotten after <see cref="MailboxIndexOptions.AppendKeyRetention"/>.)</para>
/// <para>Up to <c>inFlight</c> messages are written at once so that the embedded backend's group commit shares fsyncs
/// among them; appends are started in source order, so on a backend that applies them in call order (embedded: one
/// writer queue) UIDs follow the source order. Give 1 for a backend that does not.</para>
/// Missing mailboxes (and their parents) are created. Not thread-safe: one caller adds messages in order.
/// </summary>
public sealed class MailboxImporter(IMailboxIndex mailboxes, IMessageBlobStore blobs, string account, int inFlight)
{
    /// <summary>Most bytes of messages held in memory while their writes are in flight.</summary>
    public const long MaxBytesInFlight = 64L * 1024 * 1024;

    private readonly Dictionary<string, MailboxKeys> _known = new(StringComparer.Ordinal);
    private readonly Queue<(Task<BlobRef> Blob, MessageToImport Message)> _blobWrites = new();
    private readonly Queue<Task<AppendResult>> _appends = new();
    private long _bytesInFlight;

    /// <summary>Messages added to a mailbox.</summary>
    public long Added { get; private set; }

    /// <summary>Messages left out because the mailbox already held them.</summary>
    public long AlreadyPresent { get; private set; }

    /// <summary>Mailboxes this import created.</summary>
    public IReadOnlyList<string> CreatedMailboxes => [.. _known.Where(k => k.Value.Created).Select(k => k.Key)];

    /// <summary>
    /// Adds <paramref name="message"/> unless its mailbox already holds it; the write may still be in flight when this
    /// returns (<see cref="FlushAsync"/> waits for all of them). Storage failures surface here or in <see cref="FlushAsync"/>.
    /// </summary>
    public async Task AddAsync(MessageToImport message, CancellationToken ct)
    {
        MailboxKeys keys = await KeysOfAsync(message.Mailbox, ct).ConfigureAwait(false);
        if (!keys.ShouldAdd(Convert.ToHexStringLower(SHA256.HashData(message.Raw)), message.Raw.LongLength))
        {
            AlreadyPresent++;
            return;
        }
        _blobWrites.Enqueue((WriteBlobAsync(message.Raw, ct), message));
        _bytesInFlight += message.Raw.LongLength;
        while (_blobWrites.Count > inFlight || _bytesInFlight > MaxBytesInFlight) await StartNextAppendAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Waits until every message added so far is stored.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        while (_blobWrites.Count > 0) await StartNextAppendAsync(ct).ConfigureAwait(false);
        while (_appends.Count > 0) await _appends.Dequeue().ConfigureAwait(false);
    }

    /// <summary>Takes the oldest blob write, waits for it and starts its append (in source order).</summary>
    private async Task StartNextAppendAsync(CancellationToken ct)
    {
        var (blob, message) = _blobWrites.Dequeue();
        BlobRef stored = await blob.ConfigureAwait(false);
        _bytesInFlight -= message.Raw.LongLength;
        string? structure = await StructureOfMessage.ComputeAsync(new MemoryStream(message.Raw, writable: false), ct).ConfigureAwait(false);
        _appends.Enqueue(mailboxes.AppendAsync(account, message.Mailbox,
            new MessageToAppend(stored, message.InternalDate, message.Flags, message.Keywords, structure), null, ct));
        Added++;
        while (_appends.Count > inFlight) await _appends.Dequeue().ConfigureAwait(false);
    }

    private async Task<BlobRef> WriteBlobAsync(byte[] raw, CancellationToken ct)
    {
        await using IBlobWriter writer = blobs.CreateWriter(MessageIds.New());
        await writer.WriteAsync(raw, ct).ConfigureAwait(false);
        return await writer.CommitAsync(ct).ConfigureAwait(false);
    }

    private async Task<MailboxKeys> KeysOfAsync(string mailbox, CancellationToken ct)
    {
        if (_known.TryGetValue(mailbox, out MailboxKeys? keys)) return keys;
        bool created = false;
        if (await mailboxes.GetMailboxAsync(account, mailbox, ct).ConfigureAwait(false) is null)
        {
            foreach (string name in ParentsAndSelf(mailbox)) created |= await CreateAsync(name, ct).ConfigureAwait(false);
        }
        keys = new MailboxKeys(created);
        foreach (MessageRecord record in await mailboxes.GetMessagesAsync(account, mailbox, ct).ConfigureAwait(false))
        {
            keys.CountExisting(record.Blob.Sha256, record.Blob.Size);
        }
        _known[mailbox] = keys;
        return keys;
    }

    private async Task<bool> CreateAsync(string name, CancellationToken ct)
    {
        if (await mailboxes.GetMailboxAsync(account, name, ct).ConfigureAwait(false) is not null) return false;
        try
        {
            await mailboxes.CreateMailboxAsync(account, name, SpecialUse.None, ct).ConfigureAwait(false);
            return true;
        }
        catch (MailboxExistsException)
        {
            return false; // created meanwhile (by a client of the running server)
        }
    }

    /// <summary>"a/b/c" → "a", "a/b", "a/b/c" (RFC 9051 §6.3.4: superiors are created too).</summary>
    private static IEnumerable<string> ParentsAndSelf(string name)
    {
        for (int i = name.IndexOf(DefaultMailboxes.Delimiter); i > 0; i = name.IndexOf(DefaultMailboxes.Delimiter, i + 1))
            yield return name[..i];
        yield return name;
    }

    /// <summary>Per mailbox: how many messages with each key it held before the import, and how many the source had so far.</summary>
    private sealed class MailboxKeys(bool created)
    {
        private readonly Dictionary<(string Sha256, long Size), (int Existing, int Seen)> _counts = [];

        public bool Created => created;

        public void CountExisting(string sha256, long size)
        {
            var key = (sha256, size);
            _counts[key] = _counts.TryGetValue(key, out var c) ? (c.Existing + 1, 0) : (1, 0);
        }

        /// <summary>Counts one more source message with this key; true when the mailbox does not hold that many yet.</summary>
        public bool ShouldAdd(string sha256, long size)
        {
            var key = (sha256, size);
            var (existing, seen) = _counts.TryGetValue(key, out var c) ? c : (0, 0);
            _counts[key] = (existing, seen + 1);
            return seen + 1 > existing;
        }
    }
}
