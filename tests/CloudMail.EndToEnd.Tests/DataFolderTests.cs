using System.Runtime.Versioning;
using CloudMail.EndToEnd.Tests.Infrastructure;

namespace CloudMail.EndToEnd.Tests;

/// <summary>The real executable refuses a data folder that other local users may write to, as an operator sees it.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class DataFolderTests : IAsyncLifetime
{
    private readonly CloudMailProcess _cloudmail = new();

    public Task InitializeAsync()
    {
        File.SetUnixFileMode(_cloudmail.DataDirectory, (UnixFileMode)Convert.ToInt32("775", 8));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cloudmail.DisposeAsync();

    [Theory]
    [InlineData("serve")]
    [InlineData("domain", "list")]
    public async Task A_group_writable_data_folder_is_refused_in_one_line_with_exit_code_1(params string[] command)
    {
        var (exitCode, output) = await _cloudmail.AdminAsync(null, command).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Equal($"cloudmail: The data folder {_cloudmail.DataDirectory} is writable by its group (mode 0775)", output.Split(',')[0]);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain(" at ", output);
        Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(_cloudmail.DataDirectory));
    }
}
