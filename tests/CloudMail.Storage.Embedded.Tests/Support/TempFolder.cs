namespace CloudMail.Storage.Embedded.Tests.Support;

/// <summary>
/// A fresh folder under the system temp folder, deleted on dispose. Created 0700 (and its parent too, when missing),
/// whatever the umask: the embedded store refuses a data folder that others may write to.
/// </summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cloudmail-tests", Guid.NewGuid().ToString("N"));

    public TempFolder()
    {
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Path);
        else System.IO.Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Path)) System.IO.Directory.Delete(Path, recursive: true);
    }
}
