using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using CloudMail.ContractTests;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Azure.Locks;
using CloudMail.Storage.Azure.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudMail.Storage.Azure.Tests.Locks;

/// <summary>
/// The POP3 maildrop lock on Azurite, each <see cref="BlobLeaseMaildropLocks"/> standing for one listener replica: a second
/// replica is refused while the first holds the lock and gets it once the first releases it or stops renewing (a crash).
/// </summary>
public sealed class BlobLeaseMaildropLocksTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;

    [Fact]
    public async Task A_second_replica_is_refused_while_the_first_holds_the_lock_and_gets_it_after_release()
    {
        string account = Unique.Account();
        IMaildropLocks replicaA = Replica(), replicaB = Replica();

        IAsyncDisposable? held = await replicaA.TryAcquireAsync(account, _ct);
        Assert.NotNull(held);
        Assert.Null(await replicaB.TryAcquireAsync(account.ToUpperInvariant(), _ct));
        Assert.Null(await replicaA.TryAcquireAsync(account, _ct));
        Assert.NotNull(await replicaB.TryAcquireAsync(Unique.Account(), _ct));

        await held.DisposeAsync();

        await using IAsyncDisposable? taken = await replicaB.TryAcquireAsync(account, _ct);
        Assert.NotNull(taken);
    }

    [Fact]
    public async Task Releasing_leaves_no_lock_blob_behind()
    {
        string account = Unique.Account();
        BlobClient blob = fixture.Clients.MessagesContainer.GetBlobClient(BlobLeaseMaildropLocks.BlobName(account));

        IAsyncDisposable? held = await Replica().TryAcquireAsync(account, _ct);
        Assert.True((await blob.ExistsAsync(_ct)).Value);
        await held!.DisposeAsync();

        Assert.False((await blob.ExistsAsync(_ct)).Value);
        Assert.DoesNotContain("@", BlobLeaseMaildropLocks.BlobName(account), StringComparison.Ordinal);
    }

    private BlobLeaseMaildropLocks Replica(MaildropLeaseOptions? options = null) =>
        new(fixture.Clients.MessagesContainer, options ?? new MaildropLeaseOptions(), NullLogger<BlobLeaseMaildropLocks>.Instance);

    /// <summary>A replica with the shortest lease the service allows, renewed every 5 s.</summary>
    internal static BlobLeaseMaildropLocks ShortLeaseReplica(AzuriteFixture fixture) =>
        new(fixture.Clients.MessagesContainer, new MaildropLeaseOptions { LeaseDuration = TimeSpan.FromSeconds(15), RenewInterval = TimeSpan.FromSeconds(5) },
            NullLogger<BlobLeaseMaildropLocks>.Instance);
}

/// <summary>A live session's lease outlasts the lease duration because it is renewed.</summary>
public sealed class BlobLeaseRenewalTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_held_lock_is_renewed_past_its_lease_duration()
    {
        CancellationToken ct = new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;
        string account = Unique.Account();
        await using IAsyncDisposable? held = await BlobLeaseMaildropLocksTests.ShortLeaseReplica(fixture).TryAcquireAsync(account, ct);
        Assert.NotNull(held);

        await Task.Delay(TimeSpan.FromSeconds(20), ct);

        Assert.Null(await BlobLeaseMaildropLocksTests.ShortLeaseReplica(fixture).TryAcquireAsync(account, ct));
    }
}

/// <summary>A crashed replica stops renewing: its lock expires and another replica gets it.</summary>
public sealed class BlobLeaseExpiryTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_crashed_replicas_lock_expires_and_another_replica_gets_it()
    {
        CancellationToken ct = new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token;
        string account = Unique.Account();
        BlobLeaseMaildropLocks survivor = BlobLeaseMaildropLocksTests.ShortLeaseReplica(fixture);
        // What a replica that crashed right after taking the lock leaves: a 15 s lease that nobody renews.
        BlobClient blob = fixture.Clients.MessagesContainer.GetBlobClient(BlobLeaseMaildropLocks.BlobName(account));
        await blob.UploadAsync(BinaryData.Empty, overwrite: true, ct);
        // Started before the lease, so the lower bound holds however late this test runs. The upper one leaves room for the
        // suite's shared two cores (Azurite and this test can be tens of seconds late), under a minute, the longest lease.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        await blob.GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(15), cancellationToken: ct);
        Assert.Null(await survivor.TryAcquireAsync(account, ct));

        IAsyncDisposable? taken = null;
        while (taken is null && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            taken = await survivor.TryAcquireAsync(account, ct);
        }

        Assert.NotNull(taken);
        Assert.InRange(waited.Elapsed, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(45));
        await taken.DisposeAsync();
    }
}
