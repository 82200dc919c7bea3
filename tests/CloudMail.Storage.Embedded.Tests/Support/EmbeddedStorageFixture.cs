using CloudMail.ContractTests;

namespace CloudMail.Storage.Embedded.Tests.Support;

/// <summary>
/// One embedded store in a temp folder, shared by all tests of a class (so the contract tests also run
/// against a store that already holds other tests' data), on <see cref="Clock"/>.
/// </summary>
public sealed class EmbeddedStorageFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public EmbeddedStorageFixture() => Storage = EmbeddedStorage.Open(_folder.Path, Clock);

    public EmbeddedStorage Storage { get; }

    /// <summary>The store's clock: the system's, unless a test (one at a time: xunit runs a class's tests in turn) sets it.</summary>
    public SettableClock Clock { get; } = new();

    public void Dispose()
    {
        Storage.Dispose();
        _folder.Dispose();
    }
}
