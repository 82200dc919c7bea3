using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using CloudMail.Core.Failures;

namespace CloudMail.Storage.Azure.Connections;

/// <summary>
/// Maps Azure Storage's transient failures onto Core's <see cref="TransientStorageException"/>: a response with status
/// 408, 429, 500, 502, 503 or 504 (after the SDK's own retries), or a <see cref="RequestFailedException"/> with one of
/// those statuses, also inside an <see cref="AggregateException"/> (as the SDK's retry policy reports repeated
/// failures). Every other failure (404, 409, 412, 400, 403 — handled by the adapters or meaning a bug or bad
/// configuration) propagates unchanged. <see cref="Policy"/> does the mapping for every Blob and Table client
/// <see cref="AzureStorageConnection"/> creates.
/// </summary>
public static class AzureFailures
{
    /// <summary>The HTTP statuses that say "try again later".</summary>
    public static bool IsTransientStatus(int status) => status is 408 or 429 or 500 or 502 or 503 or 504;

    /// <summary>True for an Azure SDK failure with a transient status (<see cref="IsTransientStatus"/>).</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException failed => IsTransientStatus(failed.Status),
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        _ => false,
    };

    /// <summary>
    /// A per-call pipeline policy (outside the SDK's retry policy, so it sees the last try): a transient response or
    /// transient SDK failure becomes <see cref="TransientStorageException"/> (wrapping the
    /// <see cref="RequestFailedException"/>); everything else passes through untouched.
    /// </summary>
    public static HttpPipelinePolicy Policy { get; } = new TransientFailurePolicy();

    /// <summary>Adds <see cref="Policy"/> to <paramref name="options"/> (per call) and returns them.</summary>
    public static T WithTransientFailureMapping<T>(T options) where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Policy, HttpPipelinePosition.PerCall);
        return options;
    }

    private sealed class TransientFailurePolicy : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e))
            {
                throw new TransientStorageException(e);
            }
            ThrowIfTransient(message);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                ProcessNext(message, pipeline);
            }
            catch (Exception e) when (IsTransient(e))
            {
                throw new TransientStorageException(e);
            }
            ThrowIfTransient(message);
        }

        private static void ThrowIfTransient(HttpMessage message)
        {
            if (message.HasResponse && IsTransientStatus(message.Response.Status))
                throw new TransientStorageException(new RequestFailedException(message.Response));
        }
    }
}
