using CloudMail.Core.Events;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail webhook add URL --for SCOPE [--events LIST]</c>, <c>webhook list [--for SCOPE]</c> and
/// <c>webhook remove ID</c>: subscriptions of applications to mail events (<see cref="WebhookAdministration"/>,
/// docs/webhooks.md). <c>add</c> prints the id and the signing secret, the only time the secret is shown; <c>list</c>
/// never shows secrets. Exit codes as for every admin command: 0 done, 1 failed, 2 usage.
/// </summary>
public sealed class WebhookCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          webhook add URL --for SCOPE [--events received,delivered,deferred,bounced]
                                             POST mail events of SCOPE (a local domain or an address in one) to URL,
                                             signed (docs/webhooks.md); prints the id and the secret once; all
                                             events unless --events
          webhook list [--for SCOPE]         ids, scopes, events and URLs (never secrets)
          webhook remove ID
        """;

    private WebhookAdministration Webhooks => services.GetRequiredService<WebhookAdministration>();

    /// <summary>Runs <paramref name="words"/> (starting with "webhook").</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        var rest = words.Skip(1).ToList();
        if (!TakeOption(rest, "--for", out string? scope) || !TakeOption(rest, "--events", out string? events)) return await FailAsync("usage:\n" + Usage, 2);
        try
        {
            return (rest.Count > 0 ? rest[0] : "", rest.Count, scope, events) switch
            {
                ("add", 2, not null, _) => await AddAsync(rest[1], scope, events, ct),
                ("list", 1, _, null) => await PrintAsync(await Webhooks.ListAsync(scope, ct)),
                ("remove", 2, null, null) => await Webhooks.RemoveAsync(rest[1], ct)
                    ? await SayAsync($"webhook {rest[1]} removed")
                    : await FailAsync($"no such webhook: {rest[1]}", 1),
                _ => await FailAsync("usage:\n" + Usage, 2),
            };
        }
        catch (ArgumentException e)
        {
            return await FailAsync("error: " + e.Message.Split(" (Parameter", 2)[0], 1);
        }
    }

    private async Task<int> AddAsync(string url, string scope, string? events, CancellationToken ct)
    {
        IReadOnlyList<MailEventType> types = MailEventTypes.All;
        if (events is not null && !MailEventTypes.TryParseList(events, out types, out string error)) return await FailAsync("error: " + error, 1);
        WebhookSubscription added = await Webhooks.AddAsync(url, scope, types, ct);
        await stdout.WriteLineAsync($"webhook {added.Id} added for {added.Scope} ({MailEventTypes.Format(added.Events)}) -> {added.Url}");
        await stdout.WriteLineAsync($"id: {added.Id}");
        await stdout.WriteLineAsync($"secret: {added.Secret}");
        await stdout.WriteLineAsync("The secret is shown only now: receivers verify the CloudMail-Signature header with it.");
        return 0;
    }

    /// <summary>Removes <c>NAME VALUE</c> from <paramref name="rest"/>; false when NAME has no value.</summary>
    private static bool TakeOption(List<string> rest, string name, out string? value)
    {
        value = null;
        int at = rest.IndexOf(name);
        if (at < 0) return true;
        if (at + 1 >= rest.Count) return false;
        value = rest[at + 1];
        rest.RemoveRange(at, 2);
        return true;
    }

    private async Task<int> PrintAsync(IReadOnlyList<WebhookSubscription> subscriptions)
    {
        foreach (var s in subscriptions)
            await stdout.WriteLineAsync($"{s.Id}  {s.Scope}  {MailEventTypes.Format(s.Events)}  {s.Url}  added {s.CreatedAt:yyyy-MM-dd HH:mm:ss}Z");
        return 0;
    }

    private async Task<int> SayAsync(string message)
    {
        await stdout.WriteLineAsync(message);
        return 0;
    }

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
