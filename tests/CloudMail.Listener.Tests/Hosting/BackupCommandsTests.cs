using CloudMail.Core.Directory;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Storage.Embedded.Backup;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary><c>cloudmail backup</c> and <c>restore</c> through the admin command dispatcher: what they copy and what they refuse.</summary>
public sealed class BackupCommandsTests : IAsyncLifetime
{
    private readonly AdminHost _admin = new();
    private readonly string _scratch = Directory.CreateTempSubdirectory("cloudmail-backup-test-").FullName;

    public async Task InitializeAsync() => await _admin.Get<IMailDirectory>().AddDomainAsync("a.test", CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _admin.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task Backup_copies_databases_and_files_but_not_logs_locks_or_writes_in_progress()
    {
        File.WriteAllText(Path.Combine(_admin.DataDirectory, "srs-secret"), "secret");
        File.WriteAllText(Path.Combine(_admin.DataDirectory, "serve.lock"), "");
        File.WriteAllText(Path.Combine(_admin.DataDirectory, "listening.json"), "{}");
        Directory.CreateDirectory(Path.Combine(_admin.DataDirectory, "messages", "ab"));
        File.WriteAllText(Path.Combine(_admin.DataDirectory, "messages", "ab", "m1.eml"), "Subject: x\r\n\r\n");
        Directory.CreateDirectory(Path.Combine(_admin.DataDirectory, "messages", "tmp"));
        File.WriteAllText(Path.Combine(_admin.DataDirectory, "messages", "tmp", "m2.eml.1.tmp"), "partial");
        string backup = Path.Combine(_scratch, "b");

        var (code, output, errors) = await _admin.RunAsync("backup", backup);

        Assert.True(code == 0, output + errors);
        string[] copied = [.. Directory.EnumerateFiles(backup, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(backup, f)).Order(StringComparer.Ordinal)];
        Assert.Equal([EmbeddedBackup.ManifestFileName, "mail.db", Path.Combine("messages", "ab", "m1.eml"), "queue.db", "srs-secret"], copied);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(backup, "srs-secret")));

        string restoredFolder = Path.Combine(_scratch, "restored");
        var restore = await new AdminHostOn(restoredFolder).RunAsync("restore", backup);
        Assert.True(restore.Code == 0, restore.Out + restore.Err);
        Assert.Equal("secret", File.ReadAllText(Path.Combine(restoredFolder, "srs-secret")));
        using var restored = Storage.Embedded.EmbeddedStorage.Open(restoredFolder);
        Assert.Equal(["a.test"], await restored.MailDirectory.ListDomainsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Backup_refuses_a_folder_inside_the_data_folder_or_one_that_is_not_empty()
    {
        var inside = await _admin.RunAsync("backup", Path.Combine(_admin.DataDirectory, "backup"));
        File.WriteAllText(Path.Combine(_scratch, "something"), "");
        var notEmpty = await _admin.RunAsync("backup", _scratch);
        Assert.Equal((1, 1), (inside.Code, notEmpty.Code));
        Assert.Contains("must be outside the data folder", inside.Err);
        Assert.Contains("is not empty", notEmpty.Err);
    }

    [Fact]
    public async Task Restore_refuses_an_incomplete_backup_a_data_folder_with_data_and_one_a_server_holds()
    {
        string backup = Path.Combine(_scratch, "b");
        Assert.Equal(0, (await _admin.RunAsync("backup", backup)).Code);
        string partial = Path.Combine(_scratch, "partial");
        Directory.CreateDirectory(partial);
        File.Copy(Path.Combine(backup, "mail.db"), Path.Combine(partial, "mail.db"));

        var incomplete = await new AdminHostOn(Path.Combine(_scratch, "new")).RunAsync("restore", partial);
        var hasData = await _admin.RunAsync("restore", backup);
        string held = Path.Combine(_scratch, "held");
        Directory.CreateDirectory(held);
        int heldCode;
        string heldError;
        using (new FileStream(Path.Combine(held, "serve.lock"), FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        {
            (heldCode, _, heldError) = await new AdminHostOn(held).RunAsync("restore", backup);
        }

        Assert.Equal((1, 1, 1), (incomplete.Code, hasData.Code, heldCode));
        Assert.Contains("not a complete CloudMail backup", incomplete.Err);
        Assert.Contains("is not empty", hasData.Err);
        Assert.Contains("serve.lock", heldError);
        Assert.Equal(["serve.lock"], Directory.EnumerateFileSystemEntries(held).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("backup")]
    [InlineData("restore", "a", "b")]
    public async Task Wrong_usage_exits_with_2(params string[] words) => Assert.Equal(2, (await _admin.RunAsync(words)).Code);

    /// <summary>The admin dispatcher on another data folder (the restore target).</summary>
    private sealed class AdminHostOn(string dataDirectory)
    {
        public async Task<(int Code, string Out, string Err)> RunAsync(params string[] words)
        {
            using var host = Listener.Hosting.CloudMailServerBuilder.BuildAdmin([], c =>
                Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(c, new Dictionary<string, string?> { ["CloudMail:DataDirectory"] = dataDirectory }));
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = await new Listener.Hosting.AdminCommands(host.Services, new StringReader(""), stdout, stderr).RunAsync(words, CancellationToken.None);
            return (code, stdout.ToString(), stderr.ToString());
        }
    }
}
