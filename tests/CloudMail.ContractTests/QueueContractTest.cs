using System.Diagnostics;

namespace CloudMail.ContractTests;

/// <summary>
/// What the queue contract suites share: a queue of its own per test (<see cref="NewQueueName"/>), the delay the tests
/// wait out (<see cref="ShortDelay"/>) and polling for a job to become visible for up to <see cref="Patience"/>.
/// </summary>
/// <typeparam name="TContract">The queue contract under test.</typeparam>
public abstract class QueueContractTest<TContract> : ContractTest<TContract> where TContract : class
{
    /// <summary>A queue no other test uses. Backends with a fixed set of queues override this.</summary>
    protected virtual string NewQueueName() => "contract-" + Unique.Suffix();

    /// <summary>A retry or not-before delay the tests wait out.</summary>
    protected virtual TimeSpan ShortDelay => TimeSpan.FromSeconds(2);

    /// <summary>How long to poll for something that should become visible.</summary>
    protected virtual TimeSpan Patience => TimeSpan.FromSeconds(20);

    /// <summary>
    /// Calls <paramref name="take"/> (which takes at most one visible job of <paramref name="queue"/>) until it returns
    /// one; fails after <see cref="Patience"/>.
    /// </summary>
    protected async Task<T> PollOneAsync<T>(string queue, Func<Task<IReadOnlyList<T>>> take)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < Patience)
        {
            IReadOnlyList<T> taken = await take();
            if (taken.Count > 0) return Assert.Single(taken);
            await Task.Delay(100, Ct);
        }
        throw new TimeoutException($"No job became visible on '{queue}' within {Patience}.");
    }
}
