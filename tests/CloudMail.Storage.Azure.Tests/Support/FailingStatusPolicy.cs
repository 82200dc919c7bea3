using Azure.Core;
using Azure.Core.Pipeline;

namespace CloudMail.Storage.Azure.Tests.Support;

/// <summary>
/// A pipeline policy that answers every request with <paramref name="status"/> instead of sending it (added per retry,
/// so the SDK's retry policy and CloudMail's mapping policy see it as the service's answer), counting the requests.
/// </summary>
public sealed class FailingStatusPolicy(int status) : HttpPipelinePolicy
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Process(message, pipeline);
        return ValueTask.CompletedTask;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Interlocked.Increment(ref _requests);
        message.Response = new StatusResponse(status);
    }
}
