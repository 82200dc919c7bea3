namespace CloudMail.Storage.Embedded.Tests.Support;

/// <summary>
/// One embedded store in a temp folder, shared by all tests of a class (so the contract tests also run
/// against a store that already holds other tests' data).
/// </summary>
public sealed class EmbeddedStorageFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public EmbeddedStorageFixture() => Storage = EmbeddedStorage.Open(_folder.Path);

    public EmbeddedStorage Storage { get; }

    public void Dispose()
    {
        Storage.Dispose();
        _folder.Dispose();
    }
}
