using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace CloudMail.Storage.Azure.Tests.Support;

/// <summary>
/// Counts the Blob and Table requests that pass (per call, so an SDK retry is one operation), by service and method:
/// <c>blob GET</c>, <c>table POST</c>, ... Passes every request on to the service.
/// </summary>
public sealed class CountingPolicy : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Requests since the last <see cref="Reset"/>, as "service METHOD" → count.</summary>
    public IReadOnlyDictionary<string, int> Counts => new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);

    public int Total => _counts.Values.Sum();

    public void Reset() => _counts.Clear();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        return ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Count(message);
        ProcessNext(message, pipeline);
    }

    private void Count(HttpMessage message)
    {
        // The Tables SDK sends DataServiceVersion (OData) on every request; the Blob SDK never does.
        string service = message.Request.Headers.Contains("DataServiceVersion") ? "table" : "blob";
        _counts.AddOrUpdate($"{service} {message.Request.Method}", 1, (_, n) => n + 1);
    }
}
