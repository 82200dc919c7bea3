namespace CloudMail.Filtering.Tests.EndToEnd;

/// <summary>
/// The tests that time a server-side deadline (<see cref="CommitDeadlineTests"/>, <see cref="UnansweredDnsTests"/>) run
/// on their own, after the other tests of this assembly: those share the process's thread pool with the server under test,
/// and CPU-bound ones (property tests, RSA checks in parallel) could hold its continuations past the deadlines they time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DeadlineTimingCollection
{
    public const string Name = "deadline timing";
}
