using System.Globalization;
using CloudMail.Core.Intake;
using CloudMail.Core.Pipeline;

namespace CloudMail.Core.Tests.Pipeline;

/// <summary>
/// An <see cref="IIntakeOutbox"/> in a list, keyed like the Azure table (the marker's UTC hour + message id), so a marker
/// is removed only by the same message id and the same instant.
/// </summary>
internal sealed class InMemoryIntakeOutbox : IIntakeOutbox
{
    private readonly Lock _lock = new();
    private readonly List<IntakeMarker> _markers = [];

    public IReadOnlyList<IntakeMarker> Markers
    {
        get { lock (_lock) return [.. _markers]; }
    }

    private static string Hour(IntakeMarker m) => m.RecordedAt.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    private static bool SameKey(IntakeMarker a, IntakeMarker b) => a.Job.MessageId == b.Job.MessageId && Hour(a) == Hour(b);

    public Task RecordAsync(IntakeMarker marker, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _markers.RemoveAll(m => SameKey(m, marker));
            _markers.Add(marker);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IntakeMarker>> ListRecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<IntakeMarker>>([.. _markers.Where(m => m.RecordedAt < cutoff).OrderBy(m => m.RecordedAt).Take(max)]);
    }

    public Task RemoveAsync(IntakeMarker marker, CancellationToken cancellationToken)
    {
        lock (_lock) _markers.RemoveAll(m => SameKey(m, marker) && m.RecordedAt.UtcTicks == marker.RecordedAt.UtcTicks);
        return Task.CompletedTask;
    }
}
