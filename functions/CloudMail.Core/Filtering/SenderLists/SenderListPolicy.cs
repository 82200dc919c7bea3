using System.Collections.Concurrent;
using System.Net;

namespace CloudMail.Core.Filtering.SenderLists;

/// <summary>
/// Decides whether a recipient's lists allow or block a sender. The lists of the recipient's address, then of its
/// domain, then of the server are consulted (<see cref="SenderListScope.Of"/>); the first scope with a matching entry
/// decides, and within it the most specific pattern (<see cref="SenderPattern.Specificity"/>) wins, Block on a tie. So a
/// user can allow a sender their domain blocks, and a domain can block one address of a domain the server allows.
/// Each scope's entries are remembered for <see cref="CacheDuration"/> (lists change rarely and are read per RCPT);
/// changes made through <see cref="SenderListAdministration"/> in this process are seen at once, others within that time.
/// Fewer than twice <see cref="MaxCachedScopes"/> scopes are remembered: recipients are chosen by SMTP clients (every
/// RCPT of port 25 is looked up, also of unknown users and other domains), so the cache must not grow with them.
/// Thread-safe.
/// </summary>
public sealed class SenderListPolicy(ISenderListStore store, TimeProvider time, TimeSpan cacheDuration)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, SenderPattern[] Allow, SenderPattern[] Block)> _scopes = new(StringComparer.Ordinal);

    /// <summary>
    /// After this many scopes are added, the expired ones are dropped, and all of them when this many are still there;
    /// so fewer than twice this many are ever remembered.
    /// </summary>
    public const int MaxCachedScopes = 10_000;

    private int _addedSinceSweep;

    /// <summary>Scopes remembered now (expired ones included until room is made).</summary>
    public int CachedScopes => _scopes.Count;

    /// <summary>How long one scope's entries are reused before they are read again; zero reads them every time.</summary>
    public TimeSpan CacheDuration { get; } = cacheDuration;

    /// <summary>
    /// The entry that decides for mail from <paramref name="mailFrom"/> (empty: null sender) sent by
    /// <paramref name="client"/> to <paramref name="recipient"/>, or null when no list mentions the sender.
    /// Storage failures propagate.
    /// </summary>
    public async Task<SenderListDecision?> DecideAsync(string recipient, string mailFrom, IPAddress? client, CancellationToken cancellationToken)
    {
        foreach (string scope in SenderListScope.Of(recipient))
        {
            var (_, allow, block) = await EntriesAsync(scope, cancellationToken).ConfigureAwait(false);
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
    public void Forget(string scope) => _scopes.TryRemove(scope, out _);

    private static SenderPattern? Best(SenderPattern[] patterns, string mailFrom, IPAddress? client)
    {
        SenderPattern? best = null;
        foreach (var p in patterns)
        {
            if (p.Matches(mailFrom, client) && (best is null || p.Specificity > best.Specificity)) best = p;
        }
        return best;
    }

    private async Task<(DateTimeOffset, SenderPattern[], SenderPattern[])> EntriesAsync(string scope, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_scopes.TryGetValue(scope, out var cached) && cached.Until > now) return cached;
        var entries = await store.ListAsync(scope, cancellationToken).ConfigureAwait(false);
        SenderPattern[] Of(SenderListKind kind) =>
            [.. entries.Where(e => e.Kind == kind).Select(e => SenderPattern.TryParse(e.Pattern, out var p, out _) ? p : null).OfType<SenderPattern>()];
        var fresh = (now + CacheDuration, Of(SenderListKind.Allow), Of(SenderListKind.Block));
        if (CacheDuration <= TimeSpan.Zero) return fresh;
        if (!_scopes.TryAdd(scope, fresh)) _scopes[scope] = fresh; // an expired entry renewed
        else if (Interlocked.Increment(ref _addedSinceSweep) >= MaxCachedScopes) Sweep(now);
        return fresh;
    }

    /// <summary>
    /// Drops the expired scopes, and every scope when <see cref="MaxCachedScopes"/> are still there (they are read again
    /// when next needed). Runs once per <see cref="MaxCachedScopes"/> additions, so counting the dictionary (which takes
    /// all its locks) stays off the per-RCPT path.
    /// </summary>
    private void Sweep(DateTimeOffset now)
    {
        Interlocked.Exchange(ref _addedSinceSweep, 0);
        foreach (var (scope, entry) in _scopes)
        {
            if (entry.Until <= now) _scopes.TryRemove(scope, out _);
        }
        if (_scopes.Count >= MaxCachedScopes) _scopes.Clear();
    }
}

/// <summary>What decided: an allow or block entry (<paramref name="Pattern"/>) of <paramref name="Scope"/>.</summary>
public sealed record SenderListDecision(SenderListKind Kind, string Scope, string Pattern)
{
    /// <summary>One line for logs, headers and the delivery log, e.g. "allowed by example.org list (192.0.2.0/24)".</summary>
    public override string ToString() =>
        $"{(Kind == SenderListKind.Allow ? "allowed" : "blocked")} by {SenderListScope.Describe(Scope)} list ({Pattern})";
}
