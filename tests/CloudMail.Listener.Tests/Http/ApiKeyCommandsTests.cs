using CloudMail.Core.Directory;
using CloudMail.Listener.Hosting;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Http;

/// <summary><c>cloudmail apikey ...</c> through the admin command dispatcher on a real server's services.</summary>
public sealed class ApiKeyCommandsTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:Ports:Http"] = "-1" });
        await _server.Get<IMailDirectory>().AddDomainAsync(TestServer.Domain, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] words)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await new AdminCommands(_server.Services, new StringReader(""), stdout, stderr).RunAsync(words, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Create_prints_only_the_key_on_stdout_and_the_key_verifies()
    {
        var (code, output, error) = await RunAsync("apikey", "create", "Example.Test");
        Assert.Equal(0, code);
        string key = output.Trim();
        Assert.StartsWith("cm_", key);
        Assert.DoesNotContain('\n', key);
        Assert.Contains("cannot be shown again", error);
        var info = await _server.Get<IApiKeyStore>().VerifyAsync(key, CancellationToken.None);
        Assert.Equal(TestServer.Domain, info?.Domain);
    }

    [Fact]
    public async Task Create_for_a_domain_that_is_not_local_fails()
    {
        var (code, _, error) = await RunAsync("apikey", "create", "elsewhere.test");
        Assert.Equal(1, code);
        Assert.Contains("not a local domain", error);
    }

    [Fact]
    public async Task List_shows_key_ids_and_revoke_removes_one()
    {
        string key = (await RunAsync("apikey", "create", TestServer.Domain)).Out.Trim();
        string keyId = key.Substring(3, 16);
        var (_, listed, _) = await RunAsync("apikey", "list", TestServer.Domain);
        Assert.Contains(keyId, listed);
        Assert.DoesNotContain(key, listed);
        Assert.Equal(0, (await RunAsync("apikey", "revoke", keyId)).Code);
        Assert.Null(await _server.Get<IApiKeyStore>().VerifyAsync(key, CancellationToken.None));
        Assert.Equal(1, (await RunAsync("apikey", "revoke", keyId)).Code);
    }

    [Fact]
    public async Task Wrong_usage_exits_2() => Assert.Equal(2, (await RunAsync("apikey", "create")).Code);
}
