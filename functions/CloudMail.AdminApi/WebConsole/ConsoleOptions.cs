namespace CloudMail.AdminApi.WebConsole;

/// <summary>Section <c>CloudMail:Console</c>: the web console's sessions. Bound and validated at start.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "CloudMail:Console";

    /// <summary>Serve the console under /admin on the HTTP port (on by default; sign-in needs an admin key; false: /admin is 404).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A session unused this long ends.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends this long after sign-in, used or not.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>At most this many sessions at once; signing in beyond it ends the least recently used one.</summary>
    public int MaxSessions { get; set; } = 1000;
}
