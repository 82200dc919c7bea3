using CloudMail.Core.Directory;
using CloudMail.Core.Events;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary><c>cloudmail webhook ...</c> through the admin command dispatcher on the admin host's embedded storage.</summary>
public sealed class WebhookCommandsTests : IAsyncLifetime
{
    private readonly AdminHost _admin = new();

    public async Task InitializeAsync() => await _admin.Get<IMailDirectory>().AddDomainAsync("a.test", CancellationToken.None);

    public async Task DisposeAsync() => await _admin.DisposeAsync();

    [Fact]
    public async Task Add_prints_the_id_and_secret_once_and_list_shows_the_subscription_without_its_secret()
    {
        var (code, output, _) = await _admin.RunAsync("webhook", "add", "https://app.example/hooks", "--for", "Bob@A.test", "--events", "received,bounced");

        Assert.Equal(0, code);
        string id = output.Split('\n').Single(l => l.StartsWith("id: ", StringComparison.Ordinal))[4..].Trim();
        string secret = output.Split('\n').Single(l => l.StartsWith("secret: ", StringComparison.Ordinal))[8..].Trim();
        WebhookSubscription stored = Assert.Single(await _admin.Get<IWebhookStore>().ListAllAsync(CancellationToken.None));
        Assert.Equal((id, "bob@a.test", secret), (stored.Id, stored.Scope, stored.Secret));
        Assert.Equal([MailEventType.Received, MailEventType.Bounced], stored.Events);
        Assert.StartsWith(WebhookAdministration.SecretPrefix, secret, StringComparison.Ordinal);

        var (listed, lines, _) = await _admin.RunAsync("webhook", "list");
        Assert.Equal(0, listed);
        Assert.StartsWith($"{id}  bob@a.test  received,bounced  https://app.example/hooks  added ", lines);
        Assert.DoesNotContain(secret, lines, StringComparison.Ordinal);
        Assert.Equal(lines, (await _admin.RunAsync("webhook", "list", "--for", "bob@a.test")).Out);
        Assert.Empty((await _admin.RunAsync("webhook", "list", "--for", "a.test")).Out);
    }

    [Fact]
    public async Task Without_events_every_event_is_subscribed_and_remove_deletes_it_once()
    {
        var (code, output, _) = await _admin.RunAsync("webhook", "add", "http://127.0.0.1:8080/in", "--for", "a.test");
        Assert.Equal(0, code);
        string id = output.Split('\n').Single(l => l.StartsWith("id: ", StringComparison.Ordinal))[4..].Trim();
        Assert.Equal(MailEventTypes.All, (await _admin.Get<IWebhookStore>().GetAsync(id, CancellationToken.None))!.Events);

        var (removed, said, _) = await _admin.RunAsync("webhook", "remove", id);
        Assert.Equal(0, removed);
        Assert.Equal($"webhook {id} removed", said.Trim());
        Assert.Equal(1, (await _admin.RunAsync("webhook", "remove", id)).Code);
        Assert.Empty(await _admin.Get<IWebhookStore>().ListAllAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("webhook", "add", "ftp://app.example/in", "--for", "a.test")]
    [InlineData("webhook", "add", "/relative/path", "--for", "a.test")]
    [InlineData("webhook", "add", "https://app.example/in", "--for", "elsewhere.test")]
    [InlineData("webhook", "add", "https://app.example/in", "--for", "bob@elsewhere.test")]
    [InlineData("webhook", "add", "https://app.example/in", "--for", "a.test", "--events", "received,opened")]
    public async Task Bad_urls_scopes_outside_the_local_domains_and_unknown_events_fail_and_change_nothing(params string[] words)
    {
        var (code, _, error) = await _admin.RunAsync(words);

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Empty(await _admin.Get<IWebhookStore>().ListAllAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("webhook", "add", "https://app.example/in")]
    [InlineData("webhook", "add", "https://app.example/in", "--for")]
    [InlineData("webhook", "remove")]
    [InlineData("webhook", "list", "--events", "received")]
    [InlineData("webhook", "frobnicate")]
    public async Task Missing_scopes_or_ids_and_unknown_subcommands_are_usage_errors(params string[] words)
    {
        Assert.Equal(2, (await _admin.RunAsync(words)).Code);
    }
}
