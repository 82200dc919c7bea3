using CloudMail.Core.Directory;
using CloudMail.Core.Filtering.SenderLists;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary><c>cloudmail allow|block ...</c> through the admin command dispatcher on the admin host's embedded storage.</summary>
public sealed class SenderListCommandsTests : IAsyncLifetime
{
    private readonly AdminHost _admin = new();

    public async Task InitializeAsync() => await _admin.Get<IMailDirectory>().AddDomainAsync("a.test", CancellationToken.None);

    public async Task DisposeAsync() => await _admin.DisposeAsync();

    [Fact]
    public async Task Entries_added_per_scope_are_listed_in_canonical_form_and_removed()
    {
        Assert.Equal(0, (await _admin.RunAsync("block", "add", "@Spam.Example", "--for", "A.test")).Code);
        Assert.Equal(0, (await _admin.RunAsync("block", "add", "198.51.100.9/24")).Code);
        Assert.Equal(0, (await _admin.RunAsync("allow", "add", "Friend@Spam.example", "--for", "bob@a.test")).Code);

        var (code, output, _) = await _admin.RunAsync("block", "list");
        Assert.Equal(0, code);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("server  198.51.100.0/24  added ", lines[0]);
        Assert.StartsWith("a.test  spam.example  added ", lines[1]);
        Assert.StartsWith("bob@a.test  friend@spam.example  added ", (await _admin.RunAsync("allow", "list", "--for", "bob@a.test")).Out);

        var (removed, said, _) = await _admin.RunAsync("block", "remove", "spam.example", "--for", "a.test");
        Assert.Equal(0, removed);
        Assert.Equal("block spam.example removed from the a.test list", said.Trim());
        Assert.Empty(await _admin.Get<ISenderListStore>().ListAsync("a.test", CancellationToken.None));
    }

    [Theory]
    [InlineData("block", "add", "not a pattern")]
    [InlineData("block", "add", "10.0.0.0/99")]
    [InlineData("allow", "add", "x.example", "--for", "elsewhere.test")]
    [InlineData("allow", "add", "x.example", "--for", "bob@elsewhere.test")]
    public async Task Bad_patterns_and_scopes_outside_the_local_domains_fail_and_change_nothing(params string[] words)
    {
        var (code, _, error) = await _admin.RunAsync(words);

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error);
        Assert.Empty(await _admin.Get<ISenderListStore>().ListAllAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Adding_twice_or_removing_what_is_not_there_fails_and_a_missing_scope_value_is_a_usage_error()
    {
        Assert.Equal(0, (await _admin.RunAsync("allow", "add", "x.example")).Code);
        Assert.Equal(1, (await _admin.RunAsync("allow", "add", "x.example")).Code);
        Assert.Equal(1, (await _admin.RunAsync("allow", "remove", "y.example")).Code);
        Assert.Equal(2, (await _admin.RunAsync("allow", "list", "--for")).Code);
        Assert.Equal(2, (await _admin.RunAsync("allow", "frobnicate")).Code);
    }
}
