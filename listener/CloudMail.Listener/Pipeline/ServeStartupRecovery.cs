using CloudMail.Core.Queue;
using CloudMail.Storage.Embedded;
using CloudMail.Storage.Embedded.Files;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Pipeline;

/// <summary>
/// The first thing <c>cloudmail serve</c> starts, before any listener or queue worker. It takes the data folder's serve
/// lock (<see cref="LockFileName"/>, an exclusive lock the operating system drops when the process dies, so a second
/// serving process on the same folder fails at start instead of taking work from the first), then takes back every queue
/// lease an earlier process held (<see cref="ILeasedMailQueue.ReclaimLeasesOfOtherInstancesAsync"/>): mail that was in
/// flight when the previous process was killed is worked on within seconds of the restart, not when its leases run out.
/// Admin commands open the same folder without the lock and never reclaim.
/// </summary>
public sealed partial class ServeStartupRecovery(EmbeddedStorage storage, ILeasedMailQueue queue, ILogger<ServeStartupRecovery> logger)
    : IHostedService, IDisposable
{
    /// <summary>File in the data folder that the serving process keeps locked.</summary>
    public const string LockFileName = "serve.lock";

    private FileStream? _lock;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        string path = Path.Combine(storage.DataDirectory, LockFileName);
        try
        {
            _lock = DataFolder.CreateFile(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"Another 'cloudmail serve' is using the data folder {storage.DataDirectory} (it holds {LockFileName}); stop it first.", e);
        }
        int reclaimed = await queue.ReclaimLeasesOfOtherInstancesAsync(cancellationToken).ConfigureAwait(false);
        if (reclaimed > 0) LogReclaimed(reclaimed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Releases the serve lock.</summary>
    public void Dispose() => _lock?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Took back {Count} queue jobs an earlier process had leased when it stopped; they run now")]
    private partial void LogReclaimed(int count);
}
