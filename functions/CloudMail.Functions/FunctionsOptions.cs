using CloudMail.Core.Blobs;

namespace CloudMail.Functions;

/// <summary>
/// Section <c>CloudMail:Functions</c> (app settings <c>CloudMail__Functions__…</c>): what only the Functions host has,
/// bound and validated at start: the proxies in front of its HTTP triggers and the reclaim timer's bounds. The pipeline
/// (retries, backoff, the stuck-intake sweep) is <c>CloudMail:Pipeline</c> (<see cref="Core.Pipeline.PipelineOptions"/>,
/// shared with the embedded host); send API limits are <c>CloudMail:SendApi</c>; queue and storage connections are the
/// connection settings (<c>CloudMailServiceBus</c>, <c>CloudMailStorage</c>).
/// </summary>
public sealed class FunctionsOptions
{
    public const string Section = "CloudMail:Functions";

    /// <summary>
    /// Proxies in front of the Functions app whose <c>X-Forwarded-For</c> entries are skipped when finding the client
    /// address of a send API request: comma-separated IP addresses or CIDR prefixes (<c>10.0.0.0/8, 2001:db8::/32</c>).
    /// Empty: the rightmost entry, which Azure's front end appends, is the client; entries further left are
    /// client-controlled and never used.
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    /// <summary><see cref="TrustedProxies"/> parsed (empty when invalid; <see cref="Problems"/> reports that).</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxyNetworks =>
        Http.ForwardedFor.TryParseNetworks(TrustedProxies, out var networks, out _) ? networks : [];

    /// <summary>Reclaim candidates (blobs of expunged messages) one run of the five-minute reclaim timer examines.</summary>
    public int ReclaimBatchSize { get; set; } = 500;

    /// <summary>How long a message the pipeline still holds (not routed yet, remote delivery pending) waits before it is examined again.</summary>
    public TimeSpan ReclaimRecheckHeldAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The reclaim timer's bounds.</summary>
    public ReclaimLimits ReclaimLimits => new(ReclaimBatchSize, ReclaimRecheckHeldAfter);

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (ReclaimBatchSize is < 1 or > 10_000) yield return $"{Section}:ReclaimBatchSize must be between 1 and 10000";
        if (ReclaimRecheckHeldAfter <= TimeSpan.Zero) yield return $"{Section}:ReclaimRecheckHeldAfter must be positive";
        if (!Http.ForwardedFor.TryParseNetworks(TrustedProxies, out _, out string? proxy)) yield return $"{Section}:TrustedProxies: {proxy}";
    }
}
