namespace CloudMail.Delivery.MtaSts;

/// <summary>What an MTA-STS policy asks of senders (RFC 8461 §5).</summary>
public enum MtaStsMode
{
    /// <summary>Only matching MX hosts, only over verified TLS; otherwise no delivery.</summary>
    Enforce,

    /// <summary>Report problems, deliver anyway.</summary>
    Testing,

    /// <summary>The domain withdrew its policy.</summary>
    None,
}

/// <summary>
/// A parsed policy file (RFC 8461 §3.2): <c>version: STSv1</c>, <c>mode</c>, one <c>mx</c> line per allowed host
/// pattern, <c>max_age</c> in seconds. Pure; <see cref="Parse"/> never throws.
/// </summary>
public sealed record MtaStsPolicy(MtaStsMode Mode, IReadOnlyList<string> MxPatterns, TimeSpan MaxAge)
{
    /// <summary>RFC 8461 §3.2: max_age is at most 31557600 seconds (one year).</summary>
    public static readonly TimeSpan LongestMaxAge = TimeSpan.FromSeconds(31557600);

    /// <summary>The policy in <paramref name="text"/>, or null when it is not a valid STSv1 policy.</summary>
    public static MtaStsPolicy? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? version = null, mode = null, maxAge = null;
        var mx = new List<string>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            string key = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "version": version ??= value; break;
                case "mode": mode ??= value; break;
                case "max_age": maxAge ??= value; break;
                case "mx": mx.Add(value.TrimEnd('.').ToLowerInvariant()); break;
            }
        }
        if (version != "STSv1") return null;
        MtaStsMode? parsedMode = mode switch { "enforce" => MtaStsMode.Enforce, "testing" => MtaStsMode.Testing, "none" => MtaStsMode.None, _ => null };
        if (parsedMode is null) return null;
        if (!long.TryParse(maxAge, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long seconds)
            || seconds > (long)LongestMaxAge.TotalSeconds)
            return null;
        if (parsedMode != MtaStsMode.None && mx.Count == 0) return null;
        return new MtaStsPolicy(parsedMode.Value, mx, TimeSpan.FromSeconds(seconds));
    }

    /// <summary>
    /// Whether <paramref name="mxHost"/> is allowed (RFC 8461 §4.1): equal to a pattern, or matching <c>*.suffix</c> with
    /// exactly one label in place of the star. Case-insensitive; a trailing dot is ignored.
    /// </summary>
    public bool Matches(string mxHost)
    {
        ArgumentNullException.ThrowIfNull(mxHost);
        string host = mxHost.TrimEnd('.').ToLowerInvariant();
        foreach (string pattern in MxPatterns)
        {
            if (pattern == host) return true;
            if (pattern.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(pattern[1..], StringComparison.Ordinal))
            {
                string label = host[..^(pattern.Length - 1)];
                if (label.Length > 0 && !label.Contains('.', StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }
}
