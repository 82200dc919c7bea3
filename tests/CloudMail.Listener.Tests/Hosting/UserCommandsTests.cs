using CloudMail.Core.Directory;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary><c>cloudmail user disable|enable|list</c> through the admin command dispatcher on the admin host's embedded storage.</summary>
public sealed class UserCommandsTests : IAsyncDisposable
{
    private readonly AdminHost _admin = new();

    public ValueTask DisposeAsync() => _admin.DisposeAsync();

    private static string[] Lines(string output) => [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];

    [Fact]
    public async Task Disable_marks_the_user_in_the_list_and_enable_clears_it()
    {
        await _admin.Get<IMailDirectory>().AddDomainAsync("a.test", CancellationToken.None);
        await _admin.Get<AccountAdministration>().AddUserAsync("amy@a.test", "correct horse battery", CancellationToken.None);
        await _admin.Get<AccountAdministration>().AddUserAsync("bob@a.test", "correct horse battery", CancellationToken.None);

        var disabled = await _admin.RunAsync("user", "disable", "Bob@A.test");

        Assert.Equal((0, "user Bob@A.test disabled"), (disabled.Code, disabled.Out.Trim()));
        Assert.Equal(["amy@a.test", "bob@a.test  disabled"], Lines((await _admin.RunAsync("user", "list")).Out));
        Assert.Equal(["amy@a.test", "bob@a.test  disabled"], Lines((await _admin.RunAsync("user", "list", "a.test")).Out));

        Assert.Equal(0, (await _admin.RunAsync("user", "enable", "bob@a.test")).Code);
        Assert.Equal(["amy@a.test", "bob@a.test"], Lines((await _admin.RunAsync("user", "list")).Out));
    }

    [Fact]
    public async Task Disabling_an_unknown_user_fails_with_exit_code_1()
    {
        await _admin.Get<IMailDirectory>().AddDomainAsync("a.test", CancellationToken.None);

        var (code, _, err) = await _admin.RunAsync("user", "disable", "nobody@a.test");

        Assert.Equal(1, code);
        Assert.Contains("nobody@a.test", err, StringComparison.Ordinal);
        Assert.Equal(2, (await _admin.RunAsync("user", "disable")).Code);
    }
}
