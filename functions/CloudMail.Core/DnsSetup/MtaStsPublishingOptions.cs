namespace CloudMail.Core.DnsSetup;

/// <summary>
/// The MTA-STS policy CloudMail publishes for its domains (section <c>CloudMail:MtaSts</c>), served at
/// <see cref="MtaStsPolicyFile.WellKnownPath"/> and announced by <c>cloudmail dns records</c>.
/// </summary>
public sealed class MtaStsPublishingOptions
{
    public const string Section = "CloudMail:MtaSts";

    /// <summary>
    /// <c>testing</c> (senders report problems but deliver, RFC 8461 section 5) until TLS reports show every sender
    /// succeeds; then <c>enforce</c>. <c>none</c> withdraws the policy.
    /// </summary>
    public string Mode { get; set; } = "testing";

    /// <summary>How long senders may cache the policy (RFC 8461 section 3.2: at most one year; a week is common).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The policy for a server named <paramref name="mailHost"/>.</summary>
    public MtaStsPolicyFile PolicyFor(string mailHost) => new(Mode, mailHost.TrimEnd('.').ToLowerInvariant(), MaxAge);

    public IEnumerable<string> Problems()
    {
        if (Mode is not ("testing" or "enforce" or "none")) yield return $"{Section}:Mode must be testing, enforce or none";
        if (MaxAge <= TimeSpan.Zero || MaxAge > TimeSpan.FromSeconds(31557600)) yield return $"{Section}:MaxAge must be positive and at most one year";
    }
}
