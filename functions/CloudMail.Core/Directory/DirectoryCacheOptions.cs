using Microsoft.Extensions.Configuration;

namespace CloudMail.Core.Directory;

/// <summary>The directory cache of the serving hosts (section <c>CloudMail:Directory</c>).</summary>
public sealed class DirectoryCacheOptions
{
    public const string Section = "CloudMail:Directory";

    /// <summary>How long a found domain, account or alias is remembered; zero turns the cache off.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Entries kept at most.</summary>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>
    /// <see cref="Duration"/> as set in <paramref name="configuration"/> (the default without one), zero when not
    /// positive: how long caches of rarely changed admin data (sender lists, webhook subscriptions) keep a scope.
    /// </summary>
    public static TimeSpan DurationIn(IConfiguration? configuration)
    {
        var options = configuration?.GetSection(Section).Get<DirectoryCacheOptions>() ?? new DirectoryCacheOptions();
        return options.Duration > TimeSpan.Zero ? options.Duration : TimeSpan.Zero;
    }
}
