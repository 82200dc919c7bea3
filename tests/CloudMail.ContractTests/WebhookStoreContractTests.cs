using CloudMail.Core.Events;

namespace CloudMail.ContractTests;

/// <summary>The <see cref="IWebhookStore"/> contract: subscriptions by id, listed per scope, the secret kept as given.</summary>
public abstract class WebhookStoreContractTests : ContractTest<IWebhookStore>
{
    protected IWebhookStore Webhooks => Subject;

    private static WebhookSubscription New(string scope, params MailEventType[] events) =>
        new("wh_" + Unique.Suffix(), scope, "https://hooks.example/in?token=" + Unique.Suffix(), "whsec_" + Unique.Suffix(),
            events.Length == 0 ? MailEventTypes.All : events, TestData.Now());

    [Fact]
    public async Task An_added_subscription_is_found_by_id_with_every_field_including_its_events_and_secret()
    {
        string domain = Unique.Domain();
        var added = New("bob@" + domain, MailEventType.Received, MailEventType.Bounced);

        Assert.True(await Webhooks.AddAsync(added, Ct));

        Assert.Equal(added, await Webhooks.GetAsync(added.Id, Ct));
        Assert.Null(await Webhooks.GetAsync("wh_" + Unique.Suffix(), Ct));
    }

    [Fact]
    public async Task Subscriptions_are_listed_for_their_scope_only_sorted_by_id()
    {
        string domain = Unique.Domain(), user = Unique.Address(domain);
        var a = New(domain) with { Id = "wh_b" + Unique.Suffix() };
        var b = New(domain) with { Id = "wh_a" + Unique.Suffix() };
        var c = New(user, MailEventType.Delivered);
        foreach (var s in new[] { a, b, c }) Assert.True(await Webhooks.AddAsync(s, Ct));

        Assert.Equal([b, a], await Webhooks.ListAsync(domain, Ct));
        Assert.Equal([c], await Webhooks.ListAsync(user, Ct));
        Assert.Empty(await Webhooks.ListAsync(Unique.Domain(), Ct));
    }

    [Fact]
    public async Task Adding_an_existing_id_is_refused_and_keeps_the_first()
    {
        var first = New(Unique.Domain());

        Assert.True(await Webhooks.AddAsync(first, Ct));
        Assert.False(await Webhooks.AddAsync(first with { Url = "https://other.example/", Secret = "whsec_other" }, Ct));

        Assert.Equal(first, await Webhooks.GetAsync(first.Id, Ct));
    }

    [Fact]
    public async Task Removing_deletes_by_id_once_and_the_full_listing_has_every_scope()
    {
        string domain = Unique.Domain();
        var kept = New(domain);
        var removed = New("ann@" + domain);
        await Webhooks.AddAsync(kept, Ct);
        await Webhooks.AddAsync(removed, Ct);
        Assert.Contains(removed, await Webhooks.ListAllAsync(Ct));

        Assert.True(await Webhooks.RemoveAsync(removed.Id, Ct));
        Assert.False(await Webhooks.RemoveAsync(removed.Id, Ct));

        Assert.Null(await Webhooks.GetAsync(removed.Id, Ct));
        Assert.Empty(await Webhooks.ListAsync("ann@" + domain, Ct));
        var all = (await Webhooks.ListAllAsync(Ct)).Where(s => s.Scope.EndsWith(domain, StringComparison.Ordinal)).ToList();
        Assert.Equal([kept], all);
    }
}
