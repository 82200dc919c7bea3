using CloudMail.Core.Blobs;
using CloudMail.Listener.Pipeline;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// Waits on the server's <see cref="MessageReclaimService"/> passes (signalled, not polled on a timer). A condition seen
/// while a pass runs only counts once that pass has ended, so its flush of deleted bytes is done too.
/// </summary>
public static class ReclaimWatch
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Returns once the blob has been examined by a pass after the call (its candidate is no longer due).</summary>
    public static Task UntilExaminedAsync(TestServer server, string blobId) =>
        UntilAsync(server, async () =>
            !(await server.Get<IMessageReferences>().ListDueCandidatesAsync(DateTimeOffset.UtcNow, 10_000, CancellationToken.None)).Any(c => c.BlobId == blobId));

    /// <summary>Returns once the blob is gone (a pass reclaimed it and flushed the deleted bytes).</summary>
    public static Task UntilReclaimedAsync(TestServer server, string blobId) =>
        UntilAsync(server, async () => !await server.Get<IMessageBlobStore>().ExistsAsync(blobId, CancellationToken.None));

    /// <summary>Checks <paramref name="done"/> after every pass until it holds; fails after <see cref="Timeout"/>.</summary>
    private static async Task UntilAsync(TestServer server, Func<Task<bool>> done)
    {
        var service = server.Get<MessageReclaimService>();
        using var deadline = new CancellationTokenSource(Timeout);
        long mustEnd = long.MaxValue;
        while (true)
        {
            var pass = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnPass(ReclaimResult _) => pass.TrySetResult();
            service.PassCompleted += OnPass;
            try
            {
                // Read after the condition: the pass that made it true has started by then.
                if (mustEnd == long.MaxValue && await done()) mustEnd = service.PassesStarted;
                if (service.PassesEnded >= mustEnd) return;
                await pass.Task.WaitAsync(deadline.Token);
            }
            finally
            {
                service.PassCompleted -= OnPass;
            }
        }
    }
}
