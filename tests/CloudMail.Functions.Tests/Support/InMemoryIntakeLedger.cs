using System.Collections.Concurrent;
using CloudMail.Core.Pipeline;

namespace CloudMail.Functions.Tests.Support;

/// <summary>
/// The one stand-in among the storage parts of these tests: no backend implements <see cref="IIntakeLedger"/> yet
/// (a new contract), so the markers live in memory. Semantics as the contract states them.
/// </summary>
public sealed class InMemoryIntakeLedger : IIntakeLedger
{
    private readonly ConcurrentDictionary<string, IntakeMarker> _markers = new();

    public IReadOnlyCollection<IntakeMarker> Markers => _markers.Values.ToList();

    public Task RecordAsync(IntakeMarker marker, CancellationToken cancellationToken)
    {
        _markers[marker.Job.MessageId] = marker;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IntakeMarker>> ListRecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IntakeMarker>>(_markers.Values.Where(m => m.RecordedAt < cutoff).OrderBy(m => m.RecordedAt).Take(max).ToList());

    public Task RemoveAsync(string messageId, CancellationToken cancellationToken)
    {
        _markers.TryRemove(messageId, out _);
        return Task.CompletedTask;
    }
}
