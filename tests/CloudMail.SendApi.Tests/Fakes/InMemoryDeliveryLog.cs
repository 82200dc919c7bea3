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
}
