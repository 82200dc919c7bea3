namespace CloudMail.Filtering.Dns;

/// <summary>
/// The time limit of one message's authentication checks, as RFC 7208 §4.6.4 asks of SPF (a limit on the elapsed time of
/// check_host(); exceeded, the result is temperror). <see cref="AuthenticationFilter"/> enters one around its checks;
/// <see cref="LookupClientAuthenticationDns"/> ends a query still unanswered when <see cref="Token"/> is cancelled (or
/// started after that) as <see cref="DnsStatus.Error"/>, which SPF, DKIM, DMARC and ARC already read as a temporary DNS
/// failure, and records it in <see cref="CutShort"/>. The limit flows into the calls started inside the scope (an
/// <see cref="AsyncLocal{T}"/>), so checks running side by side share it, and leaves the checks' own cancellation alone:
/// only the caller's token cancels a check. Outside a scope there is no limit. Thread-safe.
/// </summary>
public sealed class AuthenticationDnsLimit(CancellationToken token)
{
    private static readonly AsyncLocal<AuthenticationDnsLimit?> InForce = new();
    private volatile bool _cutShort;

    /// <summary>The limit in force here; null outside a scope.</summary>
    public static AuthenticationDnsLimit? Current => InForce.Value;

    /// <summary>Cancelled when the limit is reached.</summary>
    public CancellationToken Token { get; } = token;

    /// <summary>At least one query ended unanswered because of this limit.</summary>
    public bool CutShort => _cutShort;

    /// <summary>Records that a query ended because of this limit.</summary>
    public void MarkCutShort() => _cutShort = true;

    /// <summary>Puts <paramref name="limit"/> in force until the returned scope is disposed (then the previous one again).</summary>
    public static Scope Enter(AuthenticationDnsLimit limit)
    {
        var previous = InForce.Value;
        InForce.Value = limit;
        return new Scope(previous);
    }

    /// <summary>Restores the limit that was in force before <see cref="Enter"/>.</summary>
    public readonly struct Scope(AuthenticationDnsLimit? previous) : IDisposable
    {
        public void Dispose() => InForce.Value = previous;
    }
}
