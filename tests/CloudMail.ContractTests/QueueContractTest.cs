using System.Diagnostics;

namespace CloudMail.ContractTests;

/// <summary>
/// What the queue contract suites share: a queue of its own per test (<see cref="NewQueueName"/>), the subject's clock
/// (<see cref="Clock"/>), which the tests of a delay (<see cref="ShortDelay"/>) stop and move on themselves, and polling for
/// a job to become visible for up to <see cref="Patience"/>.
/// </summary>
/// <typeparam name="TContract">The queue contract under test.</typeparam>
public abstract class QueueContractTest<TContract> : ContractTest<TContract> where TContract : class
{
    /// <summary>A queue no other test uses. Backends with a fixed set of queues override this.</summary>
    protected virtual string NewQueueName() => "contract-" + Unique.Suffix();

    /// <summary>
    /// The clock the subject reads; its <see cref="SettableClock.Now"/> unset (the system's time) except while a test has
    /// stopped it (<see cref="StopClock"/>), and set back after each test.
    /// </summary>
    protected abstract SettableClock Clock { get; }

    /// <summary>A retry or not-before delay, crossed by moving the stopped <see cref="Clock"/>.</summary>
    protected virtual TimeSpan ShortDelay => TimeSpan.FromSeconds(2);

    /// <summary>How long to poll for something that should become visible.</summary>
    protected virtual TimeSpan Patience => TimeSpan.FromSeconds(20);

    /// <summary>
    /// Stops <see cref="Clock"/> at the system's time now and returns that time. A test of a delay then moves it itself:
    /// on the real clock, a test's calls that come late (the suite's servers share two cores) could see a job visible
    /// before the test looked whether it was still hidden.
    /// </summary>
    protected DateTimeOffset StopClock() => (Clock.Now = TimeProvider.System.GetUtcNow()).Value;

    /// <summary>Sets <see cref="Clock"/> back to the system's time (a backend that overrides this calls it).</summary>
    protected override Task ReleaseSubjectAsync()
    {
        Clock.Now = null;
        return base.ReleaseSubjectAsync();
    }

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
