namespace CloudMail.Core.Auth;

/// <summary>Configuration section <c>CloudMail:Auth</c>: login throttling on every protocol.</summary>
public sealed class AuthOptions
{
    public const string Section = "CloudMail:Auth";

    /// <summary>Failures allowed per account, and per client IP, within <see cref="FailureWindow"/> before lock-out.</summary>
    public int MaxFailures { get; set; } = 5;

    /// <summary>How far back failures are counted.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an account or IP stays locked out after reaching <see cref="MaxFailures"/>.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Delay before answering a failed login, to slow guessing on one connection.</summary>
    public TimeSpan FailureDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// PBKDF2 iterations for newly set passwords. Existing hashes keep the count they were made with, so this
    /// can be raised at any time. Lower it only for tests.
    /// </summary>
    public int PasswordHashIterations { get; set; } = PasswordHasher.DefaultIterations;

    /// <summary>Upper bound on remembered keys, so a spray from many IPs cannot grow memory without bound.</summary>
    public int MaxTrackedKeys { get; set; } = 100_000;
}
