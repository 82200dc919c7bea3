using CloudMail.Core.Auth;
using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Mailboxes.Search;
using CloudMail.Core.Blobs;
using CloudMail.Core.Quotas;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Network;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Imap;

/// <summary>What every IMAP session uses, resolved once.</summary>
internal sealed class ImapServices(
    IOptions<ImapOptions> options,
    IOptions<CloudMailOptions> server,
    Authenticator authenticator,
    IMailboxIndex mailboxes,
    IMessageBlobStore blobs,
    MailboxChangeNotifier notifier,
    UserSessionLimiter sessions,
    MailboxQuotas quotas,
    TimeProvider time,
    ILogger<ImapConnectionHandler> logger,
    SpamTrainingRecorder training,
    ViewListingCache listings,
    ReplicaChangePoller? replicaPoller = null,
    IMessageTextIndex? textIndex = null,
    Core.Blobs.IStorageSpace? space = null)
{
    /// <summary>Embedded mode only: the data volume's free space and reserve, checked before an APPEND is stored; null on Azure.</summary>
    public Core.Blobs.IStorageSpace? Space { get; } = space;

    /// <summary>Embedded mode only: the full-text index SEARCH asks first (<see cref="Messages.IndexedSearch"/>); null on Azure.</summary>
    public IMessageTextIndex? TextIndex { get; } = textIndex;

    /// <summary>Azure mode only: watches idling mailboxes for changes made by other replicas.</summary>
    public ReplicaChangePoller? ReplicaPoller { get; } = replicaPoller;

    public ImapOptions Options { get; } = options.Value;

    public string HostName { get; } = server.Value.HostName;

    public Authenticator Authenticator { get; } = authenticator;

    public IMailboxIndex Mailboxes { get; } = mailboxes;

    public IMessageBlobStore Blobs { get; } = blobs;

    public MailboxChangeNotifier Notifier { get; } = notifier;

    /// <summary>Quota limits and usage (RFC 9208): GETQUOTA/GETQUOTAROOT and the APPEND/COPY checks.</summary>
    public MailboxQuotas Quotas { get; } = quotas;

    /// <summary>SORT and THREAD values of stored messages, shared by every session (<see cref="Messages.MessageOrderCache"/>).</summary>
    public Messages.MessageOrderCache OrderCache { get; } = new(options.Value.OrderCacheSize);

    /// <summary>
    /// Whole-mailbox SORT orders (positions in sequence order, in sort order), shared by every session
    /// (<see cref="Messages.MailboxViewCache{T}"/>): up to four times <see cref="ImapOptions.OrderCacheSize"/> messages, 8 bytes each.
    /// </summary>
    public Messages.MailboxViewCache<int[]> SortOrders { get; } = new(ViewCacheCapacity(options.Value));

    /// <summary>THREAD ... ALL answers, shared by every session, as many messages again (a few bytes each).</summary>
    public Messages.MailboxViewCache<string> Threads { get; } = new(ViewCacheCapacity(options.Value));

    private static int ViewCacheCapacity(ImapOptions options) => (int)Math.Min(int.MaxValue, 4L * options.OrderCacheSize);

    /// <summary>Mailbox listings for SELECT, EXAMINE, STATUS and CATENATE's URLs, shared by every session (and with POP3).</summary>
    public ViewListingCache Listings { get; } = listings;

    /// <summary>Which session each message is \Recent to.</summary>
    public Mailboxes.RecentClaims Recent { get; } = new();

    /// <summary>Authenticated sessions per user and per (user, address), shared with POP3.</summary>
    public UserSessionLimiter Sessions { get; } = sessions;

    public TimeProvider Time { get; } = time;

    /// <summary>Records the spam training signals of filings into and out of Junk (COPY, MOVE, APPEND).</summary>
    public SpamTrainingRecorder Training { get; } = training;

    public ILogger Logger { get; } = logger;
}
