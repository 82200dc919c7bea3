using Azure.Core;
using Azure.Core.Pipeline;

namespace CloudMail.Storage.Azure.Tests.Support;

/// <summary>
/// A pipeline policy that answers with <see cref="Status"/> in the service's place while <see cref="Status"/> is set,
/// and passes requests on to the service (Azurite) once it is cleared; counts the requests it failed. Added per retry, so
/// the SDK's retry policy and CloudMail's failure mapping see the answer as the service's.
/// </summary>
public sealed class ScriptedFaultPolicy : HttpPipelinePolicy
{
    private int _failed;
    private int _status;

    /// <summary>The status to answer every request with; 0 to let requests through.</summary>
    public int Status
    {
        get => Volatile.Read(ref _status);
        set => Volatile.Write(ref _status, value);
    }

    public int Failed => Volatile.Read(ref _failed);

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Status == 0) return ProcessNextAsync(message, pipeline);
        Fail(message);
        return ValueTask.CompletedTask;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (Status == 0) ProcessNext(message, pipeline);
        else Fail(message);
    }

    private void Fail(HttpMessage message)
    {
        Interlocked.Increment(ref _failed);
        message.Response = new StatusResponse(Status);
    }
}
