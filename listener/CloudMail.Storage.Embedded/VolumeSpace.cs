using CloudMail.Core.Blobs;

namespace CloudMail.Storage.Embedded;

/// <summary>
/// <see cref="IStorageSpace"/> of the volume that holds the data directory (<c>statvfs</c>, the space available to
/// unprivileged writers), asked again at most once a second so that a check per SMTP transaction costs nothing, with
/// <paramref name="reserve"/> bytes kept (<see cref="EmbeddedStorageOptions.MinFreeSpace"/>; 0: every message may be taken).
/// A volume that cannot be asked counts as having room.
/// </summary>
public sealed class VolumeSpace(string dataDirectory, long reserve, TimeProvider time) : IStorageSpace
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly DriveInfo _volume = new(Path.GetFullPath(dataDirectory));
    private long _available;
    private long _askedAtTicks;

    public long AvailableBytes
    {
        get
        {
            long now = time.GetUtcNow().UtcTicks;
            if (now - Interlocked.Read(ref _askedAtTicks) < MaxAge.Ticks) return Interlocked.Read(ref _available);
            long available;
            try
            {
                available = _volume.AvailableFreeSpace;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not known (the volume cannot be asked): nothing is refused for it; a write that fails says so itself.
                available = long.MaxValue;
            }
            Interlocked.Exchange(ref _available, available);
            Interlocked.Exchange(ref _askedAtTicks, now);
            return available;
        }
    }

    public bool CanTake(long incomingBytes) => reserve <= 0 || AvailableBytes - reserve >= Math.Max(0, incomingBytes);
}
