namespace CloudMail.ContractTests;

/// <summary>
/// Base of every contract test class: creates the implementation under test before each test (xunit makes
/// one instance per test) and gives every test a cancellation token that fires after a generous timeout,
/// so a hung backend fails the test instead of the run.
/// </summary>
/// <typeparam name="TContract">The Core contract under test.</typeparam>
public abstract class ContractTest<TContract> : IAsyncLifetime where TContract : class
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    /// <summary>The implementation under test.</summary>
    protected TContract Subject { get; private set; } = null!;

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>Returns the implementation to test. It may be shared between tests and hold other data.</summary>
    protected abstract Task<TContract> CreateSubjectAsync();

    /// <summary>Called after each test; release what <see cref="CreateSubjectAsync"/> made for this test only.</summary>
    protected virtual Task ReleaseSubjectAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Subject = await CreateSubjectAsync();

    public async Task DisposeAsync()
    {
        await ReleaseSubjectAsync();
        _timeout.Dispose();
    }
}
