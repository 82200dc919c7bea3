using CloudMail.Core.Blobs;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Dkim;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Events;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Core.Quarantine;
using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Mailboxes.Search;
using CloudMail.Core.Queue;
using CloudMail.Core.TlsReporting;
using CloudMail.Storage.Embedded.Blobs;
using CloudMail.Storage.Embedded.DeliveryLog;
using CloudMail.Storage.Embedded.Directory;
using CloudMail.Storage.Embedded.DmarcReports;
using CloudMail.Storage.Embedded.Files;
using CloudMail.Storage.Embedded.Mailboxes;
using CloudMail.Storage.Embedded.Queue;
using CloudMail.Storage.Embedded.Quarantine;
using CloudMail.Storage.Embedded.Search;
using CloudMail.Storage.Embedded.SenderLists;
using CloudMail.Storage.Embedded.SpamTraining;
using CloudMail.Storage.Embedded.Sqlite;
using CloudMail.Storage.Embedded.TlsReports;
using CloudMail.Storage.Embedded.Webhooks;

namespace CloudMail.Storage.Embedded;

/// <summary>
/// The embedded backend over one data folder:
/// <list type="bullet">
/// <item><c>queue.db</c> — the mail queue and the bodies of messages up to
/// <see cref="EmbeddedStorageOptions.SmallBlobThreshold"/> (table <c>blobs</c>), in its own file so accept-path
/// commits and mailbox commits do not serialize on one writer; a message's body and its inbound job share the
/// writer, so concurrent sessions share its fsyncs;</item>
/// <item><c>messages/</c> — one file per larger message (<see cref="IMessageBlobStore"/>);</item>
/// <item><c>mail.db</c> — directory (with DKIM keys), mailbox index, delivery log, TLS and DMARC report counts (SQLite, WAL,
/// synchronous=FULL), and the bodies of small messages appended over IMAP (table <c>blobs</c>, committed with their index rows);</item>
/// </list>
/// Opening checks, creates or tightens the folder (owner-only modes, see <see cref="DataFolder.Prepare"/>), creates the
/// schemas and removes partial message files left by a crash. Several
/// processes may open the same folder (e.g. the server and an admin command); SQLite serializes their writes.
/// Dispose to commit pending writes and close the files.
/// </summary>
public sealed class EmbeddedStorage : IDisposable, IAsyncDisposable, IStagingBlobSweep
{
    public const string MessagesFolder = "messages";
    public const string MailDatabaseFile = "mail.db";

    public const string QueueDatabaseFile = "queue.db";

    private readonly SqliteDatabase _mailDb;
    private readonly SqliteDatabase _queueDb;
    private readonly SearchIndexWriter _searchIndex;
    private int _disposed;

    private EmbeddedStorage(string dataDirectory, IMessageBlobStore blobs, SqliteDatabase mailDb, SqliteDatabase queueDb, TimeProvider time,
        MailboxIndexOptions mailboxIndex, EmbeddedStorageOptions options)
    {
        DataDirectory = dataDirectory;
        _mailDb = mailDb;
        _queueDb = queueDb;
        Blobs = blobs;
        MailDirectory = new SqliteMailDirectory(mailDb, time);
        var references = new SqliteMessageReferences(mailDb);
        References = references;
        Mailboxes = new SqliteMailboxIndex(mailDb, references, time, new MailboxPruneSchedule(mailboxIndex, time));
        var deliveryLog = new SqliteDeliveryLog(mailDb);
        DeliveryLog = deliveryLog;
        DeliveryStatistics = deliveryLog;
        DkimKeys = new SqliteDkimKeyStore(mailDb);
        TlsReports = new SqliteTlsReportStore(mailDb, time);
        SenderLists = new SqliteSenderListStore(mailDb);
        SpamTraining = new SqliteSpamTrainingStore(mailDb);
        Webhooks = new SqliteWebhookStore(mailDb);
        Quarantine = new SqliteQuarantineStore(mailDb);
        DmarcReports = new SqliteDmarcReportStore(mailDb, time);
        Queue = new SqliteMailQueue(queueDb, time);
        TextIndex = new SqliteMessageTextIndex(mailDb);
        _searchIndex = new SearchIndexWriter(mailDb, blobs, options.SearchIndexMaxBodyChars);
    }

    public string DataDirectory { get; }
    public IMessageBlobStore Blobs { get; }
    public IMailDirectory MailDirectory { get; }
    public IMailboxIndex Mailboxes { get; }

    /// <summary>Reclaim candidates and reference checks over <see cref="Mailboxes"/> (see <see cref="MessageReclaimer"/>).</summary>
    public IMessageReferences References { get; }
    /// <summary>The durable queue with leases, which the embedded host's stage workers consume.</summary>
    public ILeasedMailQueue Queue { get; }
    public IDeliveryLog DeliveryLog { get; }

    /// <summary>Totals over <see cref="DeliveryLog"/> for the admin console's dashboard.</summary>
    public IDeliveryLogStatistics DeliveryStatistics { get; }

    /// <summary>DKIM signing keys (table <c>dkim_keys</c> of mail.db).</summary>
    public IDkimKeyStore DkimKeys { get; }

    /// <summary>TLS report counts (tables <c>tls_report_*</c> of mail.db).</summary>
    public ITlsReportStore TlsReports { get; }

    /// <summary>Sender allow and block lists (table <c>sender_lists</c> of mail.db).</summary>
    public ISenderListStore SenderLists { get; }

    /// <summary>The spam training signals of IMAP filings (migration 17).</summary>
    public ISpamTrainingStore SpamTraining { get; }

    /// <summary>Webhook subscriptions (table <c>webhooks</c> of mail.db).</summary>
    public IWebhookStore Webhooks { get; }
    /// <summary>Quarantined messages (table <c>quarantine</c> of mail.db).</summary>
    public IQuarantineStore Quarantine { get; }

    /// <summary>DMARC aggregate report counts (tables <c>dmarc_report_*</c> of mail.db).</summary>
    public IDmarcReportStore DmarcReports { get; }

    /// <summary>
    /// The full-text search index (FTS5 tables <c>search_*</c> of mail.db) that IMAP SEARCH asks before reading messages;
    /// filled by <see cref="IndexPendingTextAsync"/>.
    /// </summary>
    public IMessageTextIndex TextIndex { get; }

    /// <summary>
    /// Indexes up to <paramref name="max"/> messages waiting for the search index (appended since the last call, or stored
    /// before the index existed), newest first; returns how many were taken, 0 when none waits. A host runs it after
    /// <see cref="MessagesAdded"/> and until it returns 0.
    /// </summary>
    public Task<int> IndexPendingTextAsync(int max, CancellationToken cancellationToken) =>
        _searchIndex.IndexPendingAsync(max, cancellationToken);

    /// <summary>Messages (distinct blobs) waiting for the search index.</summary>
    public Task<long> CountPendingTextAsync(CancellationToken cancellationToken) => _searchIndex.CountPendingAsync(cancellationToken);

    /// <summary>
    /// Raised after messages were added to mailboxes (append, copy, move), so a host can index them at once. Runs on the
    /// writer's continuation: handlers must be quick.
    /// </summary>
    public event Action? MessagesAdded
    {
        add => ((SqliteMailboxIndex)Mailboxes).MessagesAdded += value;
        remove => ((SqliteMailboxIndex)Mailboxes).MessagesAdded -= value;
    }

    internal SqliteDatabase MailDatabase => _mailDb;
    internal SqliteDatabase QueueDatabase => _queueDb;

    /// <summary>Opens (creating if needed) the store in <paramref name="dataDirectory"/> with default options.</summary>
    /// <param name="time">Clock for leases, delays and timestamps; the system clock when null.</param>
    public static EmbeddedStorage Open(string dataDirectory, TimeProvider? time = null) =>
        Open(dataDirectory, new EmbeddedStorageOptions(), time);

    /// <summary>
    /// Opens (creating if needed) the store in <paramref name="dataDirectory"/>. Throws
    /// <see cref="ArgumentOutOfRangeException"/> when <paramref name="options"/> are out of range.
    /// </summary>
    /// <param name="time">Clock for leases, delays and timestamps; the system clock when null.</param>
    /// <param name="mailboxIndex">Expunge-log and append-key retention; defaults when null.</param>
    public static EmbeddedStorage Open(string dataDirectory, EmbeddedStorageOptions options, TimeProvider? time = null,
        MailboxIndexOptions? mailboxIndex = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        mailboxIndex ??= new MailboxIndexOptions();
        if (mailboxIndex.Problems() is [string problem, ..]) throw new ArgumentOutOfRangeException(nameof(mailboxIndex), problem);
        string root = DataFolder.Prepare(dataDirectory);
        var files = new FileMessageBlobStore(Path.Combine(root, MessagesFolder));
        SqliteDatabase mailDb = SqliteDatabase.Open(Path.Combine(root, MailDatabaseFile),
            [DirectorySchema.V1 + MailboxSchema.V1 + DeliveryLogSchema.V1, MailboxSchema.V2, DkimKeySchema.V1, TlsReportSchema.V1, MailboxSchema.V3, SenderListSchema.V1, DirectorySchema.V2, WebhookSchema.V1, DmarcReportSchema.V1,
                QuarantineSchema.Reserved, QuarantineSchema.Reserved, QuarantineSchema.V1,
                DirectorySchema.V3, DeliveryLogSchema.V2, MailboxSchema.V4, SearchIndexSchema.V1, SpamTrainingSchema.V1, DmarcReportSchema.V2, DeliveryLogSchema.V3, MailboxSchema.V5,
                BlobTableSchema.V1, SearchIndexSchema.V2, SearchIndexSchema.V3, SearchIndexSchema.V4, SearchIndexSchema.V5,
                SearchIndexSchema.V6]);
        SqliteDatabase? queueDb = null;
        try
        {
            queueDb = SqliteDatabase.Open(Path.Combine(root, QueueDatabaseFile), [QueueSchema.V1, BlobTableSchema.V1]);
            var blobs = new TieredMessageBlobStore(files, new SqliteBlobTable(queueDb), new SqliteBlobTable(mailDb), options.SmallBlobThreshold,
                new RecentBlobCache(options.BlobCacheBytes));
            return new EmbeddedStorage(root, blobs, mailDb, queueDb, time ?? TimeProvider.System, mailboxIndex, options);
        }
        catch
        {
            queueDb?.Dispose();
            mailDb.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Raised after messages were removed from mailboxes (their blobs became reclaim candidates), so a host can run
    /// <see cref="MessageReclaimer"/> at once. Runs on the remover's continuation: handlers must be quick.
    /// </summary>
    public event Action? ReclaimCandidatesAdded
    {
        add => ((SqliteMessageReferences)References).CandidatesAdded += value;
        remove => ((SqliteMessageReferences)References).CandidatesAdded -= value;
    }

    /// <summary>
    /// Makes the bytes of deleted small blobs, and the search text of reclaimed messages, leave the disk files of
    /// <c>queue.db</c> and <c>mail.db</c>. The search texts of forgotten documents are deleted first (they wait for a batch,
    /// <see cref="Search.SearchIndexWriter.Forget"/>). Deleting a row already overwrites its content with zeros (every
    /// connection runs with <c>secure_delete</c>), but in WAL mode those zeros, and the original bytes in older frames, sit
    /// in the <c>-wal</c> file; a TRUNCATE checkpoint copies the zeros into the database file and empties the log. Blocks
    /// new writes of that database while it waits for readers (at most the busy timeout), so hosts call it after a reclaim
    /// pass that deleted something, not per message. Returns false when a reader kept it from finishing (the next call
    /// completes it). Message files need nothing: deleting unlinks them.
    /// </summary>
    public async Task<bool> FlushDeletedMessagesAsync(CancellationToken cancellationToken)
    {
        await _searchIndex.PurgeForgottenAsync(cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => _queueDb.TruncateWriteAheadLog() & _mailDb.TruncateWriteAheadLog(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the staging blobs (port-25 mail received before its check, <see cref="Core.Intake.MessageIntake.StagingSuffix"/>)
    /// that an earlier run left when it crashed between staging a message and copying it: rows of both databases and files
    /// under <c>messages/</c> whose id was made before <paramref name="cutoff"/>. A server calls it once at start with its
    /// start time, so its own sessions' staging blobs are never touched; it walks every message file, so not more often.
    /// Returns how many were removed.
    /// </summary>
    public Task<int> SweepStagingAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        StagingBlobSweep.RunAsync([_queueDb, _mailDb], new BlobPaths(Path.Combine(DataDirectory, MessagesFolder)), cutoff, cancellationToken);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queueDb.Dispose();
        _mailDb.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
