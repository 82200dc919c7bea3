using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Locks;

/// <summary>
/// <see cref="IMaildropLocks"/> across listener replicas: a lease on an empty blob per account, <c>pop3-locks/{SHA-256 of the
/// account}</c> in the messages container (the listener can already write there; the name does not spell the address).
/// Taking the lock acquires the lease (creating the blob on first use); a session on any replica that finds it leased gets
/// null (<c>-ERR [IN-USE]</c>). While held, the lease is renewed every <see cref="MaildropLeaseOptions.RenewInterval"/>;
/// releasing deletes the blob under the lease (nothing is left behind). A crashed replica stops renewing, so its lock
/// expires after <see cref="MaildropLeaseOptions.LeaseDuration"/>. Cost: 2 requests to lock (3 on first use), 1 per
/// renewal, 1 to release.
/// </summary>
public sealed partial class BlobLeaseMaildropLocks(BlobContainerClient container, MaildropLeaseOptions options, ILogger<BlobLeaseMaildropLocks> logger)
    : IMaildropLocks
{
    /// <summary>Prefix of the lock blobs in the container.</summary>
    public const string Prefix = "pop3-locks/";

    /// <summary>The lock blob of <paramref name="account"/>.</summary>
    public static string BlobName(string account) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(MailAddresses.Normalize(account))));

    public async Task<IAsyncDisposable?> TryAcquireAsync(string account, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(account);
        BlobClient blob = container.GetBlobClient(BlobName(account));
        BlobLeaseClient lease = blob.GetBlobLeaseClient();
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await lease.AcquireAsync(options.LeaseDuration, cancellationToken: cancellationToken).ConfigureAwait(false);
                return new Held(blob, lease, options.RenewInterval, account, logger);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                return null; // LeaseAlreadyPresent: another session holds it.
            }
            catch (RequestFailedException e) when (e.Status == 404 && attempt < 2)
            {
                await CreateAsync(blob, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task CreateAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Created (and perhaps leased) by another session meanwhile: acquiring tells.
        }
    }

    /// <summary>A held lease and the loop renewing it.</summary>
    private sealed class Held : IAsyncDisposable
    {
        private readonly BlobClient _blob;
        private readonly BlobLeaseClient _lease;
        private readonly string _account;
        private readonly ILogger _logger;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewing;
        private int _released;

        public Held(BlobClient blob, BlobLeaseClient lease, TimeSpan renewInterval, string account, ILogger logger)
        {
            _blob = blob;
            _lease = lease;
            _account = account;
            _logger = logger;
            _renewing = RenewAsync(renewInterval, _stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            await _stop.CancelAsync().ConfigureAwait(false);
            await _renewing.ConfigureAwait(false);
            _stop.Dispose();
            try
            {
                await _blob.DeleteAsync(conditions: new BlobRequestConditions { LeaseId = _lease.LeaseId }).ConfigureAwait(false);
            }
            catch (RequestFailedException e)
            {
                // Lost or expired already (412/409), or gone (404): nothing is held any more either way.
                LogReleaseFailed(_logger, e, _account, e.Status);
            }
        }

        private async Task RenewAsync(TimeSpan interval, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(interval, stop).ConfigureAwait(false);
                    await _lease.RenewAsync(cancellationToken: stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (RequestFailedException e)
                {
                    // Transient failures are retried at the next interval; a lease taken over meanwhile stays lost.
                    LogRenewFailed(_logger, e, _account, e.Status);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the POP3 maildrop lease of {Account} failed with status {Status}")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string account, int status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Releasing the POP3 maildrop lease of {Account} failed with status {Status}")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string account, int status);
}
