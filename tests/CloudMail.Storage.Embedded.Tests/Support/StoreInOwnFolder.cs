namespace CloudMail.Storage.Embedded.Tests.Support;

/// <summary>A store opened in a <see cref="TempFolder"/> of its own, for contract tests whose listing or state is global.</summary>
public sealed class StoreInOwnFolder<T>(Func<string, T> open) where T : class, IDisposable
{
    private readonly TempFolder _folder = new();
    private T? _store;

    /// <summary>Opens the store in the folder.</summary>
    public T Open() => _store = open(_folder.Path);

    /// <summary>Closes the store and deletes the folder.</summary>
    public Task DisposeAsTask()
    {
        _store?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
