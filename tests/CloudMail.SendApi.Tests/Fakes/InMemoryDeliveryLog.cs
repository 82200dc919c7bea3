using System.Collections.Concurrent;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;

namespace CloudMail.SendApi.Tests.Fakes;

/// <summary>Upserting delivery log keyed by (message id, recipient).</summary>
internal sealed class InMemoryDeliveryLog : IDeliveryLog
{
    private readonly ConcurrentDictionary<(string, string), DeliveryRecord> _records = new();

    public Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken)
    {
        _records[(record.MessageId, record.Recipient)] = record;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeliveryRecord>> GetAsync(string messageId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeliveryRecord>>(_records.Values.Where(r => r.MessageId == messageId).OrderBy(r => r.Recipient, StringComparer.Ordinal).ToList());

    public Task<IReadOnlyList<DeliveryAttempt>> GetAttemptsAsync(string messageId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeliveryAttempt>>([]);

    public Task<int> ForgetRecipientAsync(string recipient, CancellationToken cancellationToken) =>
        Task.FromResult(_records.Keys.Where(k => k.Item2 == recipient).Count(k => _records.TryRemove(k, out _)));

    public Task<int> ForgetSettledBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var settled = _records.Values.GroupBy(r => r.MessageId)
            .Where(g => g.All(r => r.Status is DeliveryStatus.Delivered or DeliveryStatus.Failed && r.UpdatedAt < before))
            .Select(g => g.Key).ToList();
        foreach (var key in _records.Keys.Where(k => settled.Contains(k.Item1))) _records.TryRemove(key, out _);
        return Task.FromResult(settled.Count);
    }
}
