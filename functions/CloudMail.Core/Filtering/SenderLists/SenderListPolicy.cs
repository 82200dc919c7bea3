using System.Net;
using CloudMail.Core.Caching;

namespace CloudMail.Core.Filtering.SenderLists;

/// <summary>
/// Decides whether a recipient's lists allow or block a sender. The lists of the recipient's address, then of its
/// domain, then of the server are consulted (<see cref="SenderListScope.Of"/>); the first scope with a matching entry
/// decides, and within it the most specific pattern (<see cref="SenderPattern.Specificity"/>) wins, Block on a tie. So a
/// user can allow a sender their domain blocks, and a domain can block one address of a domain the server allows.
/// Each scope's entries are remembered for <see cref="CacheDuration"/> (lists change rarely and are read per RCPT);
/// changes made through <see cref="SenderListAdministration"/> in this process are seen at once, others within that time.
/// The cache is a bounded <see cref="TimedCache{T}"/>: recipients are chosen by SMTP clients (every RCPT of port 25 is
/// looked up, also of unknown users and other domains), so it must not grow with them. Thread-safe.
/// </summary>
public sealed class SenderListPolicy(ISenderListStore store, TimeProvider time, TimeSpan cacheDuration)
{
    private readonly TimedCache<(SenderPattern[] Allow, SenderPattern[] Block)> _scopes = new(time, cacheDuration);

    /// <summary>How long one scope's entries are reused before they are read again; zero reads them every time.</summary>
    public TimeSpan CacheDuration => _scopes.Duration;

    /// <summary>Scopes remembered now (expired ones included until the cache's next sweep).</summary>
    public int CachedScopes => _scopes.Count;

    /// <summary>
    /// The entry that decides for mail from <paramref name="mailFrom"/> (empty: null sender) sent by
    /// <paramref name="client"/> to <paramref name="recipient"/>, or null when no list mentions the sender.
    /// Storage failures propagate.
    /// </summary>
    public async Task<SenderListDecision?> DecideAsync(string recipient, string mailFrom, IPAddress? client, CancellationToken cancellationToken)
    {
        foreach (string scope in SenderListScope.Of(recipient))
        {
            var (allow, block) = await EntriesAsync(scope, cancellationToken).ConfigureAwait(false);
            SenderPattern? bestAllow = Best(allow, mailFrom, client), bestBlock = Best(block, mailFrom, client);
            if (bestBlock is not null && (bestAllow is null || bestBlock.Specificity >= bestAllow.Specificity))
                return new SenderListDecision(SenderListKind.Block, scope, bestBlock.Text);
            if (bestAllow is not null) return new SenderListDecision(SenderListKind.Allow, scope, bestAllow.Text);
        }
        return null;
    }

    /// <summary>True when every one of <paramref name="recipients"/> allows the sender (and there is at least one).</summary>
    public async Task<bool> AllAllowAsync(IReadOnlyList<string> recipients, string mailFrom, IPAddress? client, CancellationToken cancellationToken)
    {
        if (recipients.Count == 0) return false;
        foreach (string recipient in recipients)
        {
            if ((await DecideAsync(recipient, mailFrom, client, cancellationToken).ConfigureAwait(false))?.Kind != SenderListKind.Allow) return false;
        }
        return true;
    }

    /// <summary>Forgets what is remembered of <paramref name="scope"/>, after a change.</summary>
    public void Forget(string scope) => _scopes.Forget(scope);

    private static SenderPattern? Best(SenderPattern[] patterns, string mailFrom, IPAddress? client)
    {
        SenderPattern? best = null;
        foreach (var p in patterns)
        {
            if (p.Matches(mailFrom, client) && (best is null || p.Specificity > best.Specificity)) best = p;
        }
        return best;
    }

    private async Task<(SenderPattern[] Allow, SenderPattern[] Block)> EntriesAsync(string scope, CancellationToken cancellationToken)
    {
        if (_scopes.TryGet(scope, out var cached)) return cached;
        var entries = await store.ListAsync(scope, cancellationToken).ConfigureAwait(false);
        SenderPattern[] Of(SenderListKind kind) =>
            [.. entries.Where(e => e.Kind == kind).Select(e => SenderPattern.TryParse(e.Pattern, out var p, out _) ? p : null).OfType<SenderPattern>()];
        var fresh = (Of(SenderListKind.Allow), Of(SenderListKind.Block));
        _scopes.Put(scope, fresh);
        return fresh;
    }
}

/// <summary>What decided: an allow or block entry (<paramref name="Pattern"/>) of <paramref name="Scope"/>.</summary>
public sealed record SenderListDecision(SenderListKind Kind, string Scope, string Pattern)
{
    /// <summary>One line for logs, headers and the delivery log, e.g. "allowed by example.org list (192.0.2.0/24)".</summary>
    public override string ToString() =>
        $"{(Kind == SenderListKind.Allow ? "allowed" : "blocked")} by {SenderListScope.Describe(Scope)} list ({Pattern})";
}
