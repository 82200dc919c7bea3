namespace CloudMail.Core.Directory;

/// <summary>The directory cache of the serving hosts (section <c>CloudMail:Directory</c>).</summary>
public sealed class DirectoryCacheOptions
{
    public const string Section = "CloudMail:Directory";

    /// <summary>How long a found domain, account or alias is remembered; zero turns the cache off.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Entries kept at most.</summary>
    public int MaxEntries { get; set; } = 100_000;
}
