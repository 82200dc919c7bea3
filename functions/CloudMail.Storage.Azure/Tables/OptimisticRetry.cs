using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.Tables;

/// <summary>
/// Runs read-modify-write attempts that are guarded by ETags until one commits. Each attempt re-reads what
/// it needs; an attempt that loses a race throws <see cref="ConcurrencyConflict"/>. After
/// <see cref="AzureStorageOptions.MaxConcurrencyAttempts"/> lost races the caller's exception (e.g.
/// <see cref="Core.Mailboxes.MailboxConflictException"/>) is thrown. Between attempts it waits a short,
/// jittered, growing delay so that competing writers spread out.
/// </summary>
internal sealed partial class OptimisticRetry(int maxAttempts, ILogger logger)
{
    public async Task<T> RunAsync<T>(string operation, string scope, Func<CancellationToken, Task<T>> attempt,
        Func<string, Exception> exhausted, CancellationToken cancellationToken)
    {
        for (int tries = 1; ; tries++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyConflict conflict) when (tries < maxAttempts)
            {
                LogRetry(logger, operation, scope, tries, conflict.Message);
                await Task.Delay(Backoff(tries), cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyConflict conflict)
            {
                LogExhausted(logger, operation, scope, tries, conflict.Message);
                throw exhausted($"{operation} in '{scope}' lost {tries} optimistic-concurrency races ({conflict.Message}); retry later.");
            }
        }
    }

    public Task RunAsync(string operation, string scope, Func<CancellationToken, Task> attempt,
        Func<string, Exception> exhausted, CancellationToken cancellationToken) =>
        RunAsync<bool>(operation, scope, async ct =>
        {
            await attempt(ct).ConfigureAwait(false);
            return true;
        }, exhausted, cancellationToken);

    private static TimeSpan Backoff(int tries)
    {
        int ceiling = Math.Min(5 << Math.Min(tries, 6), 250);
        return TimeSpan.FromMilliseconds(Random.Shared.Next(1, ceiling + 1));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Operation} in {Scope}: attempt {Attempt} lost a concurrency race ({Reason}); retrying")]
    private static partial void LogRetry(ILogger logger, string operation, string scope, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} in {Scope}: gave up after {Attempts} lost concurrency races ({Reason})")]
    private static partial void LogExhausted(ILogger logger, string operation, string scope, int attempts, string reason);
}
