namespace CloudMail.Core.Auth;

/// <summary>
/// Configuration section <c>CloudMail:Auth</c>: login throttling on every protocol (see <see cref="LoginThrottle"/>)
/// and the password policy of the admin commands.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "CloudMail:Auth";

    /// <summary>
    /// First step of the growing delay before a login is checked: one recent failure waits this long, each further
    /// failure doubles it up to <see cref="MaxFailureDelay"/> (Dovecot's auth penalty). Failures counted are those of
    /// the same account from the same address, and, for an address that never logged in to the account, those of the
    /// account from anywhere and of other accounts from the same address. Attempts still in flight do not count here.
    /// </summary>
    public TimeSpan FailureDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the growing delay (Dovecot: 15 seconds).</summary>
    public TimeSpan MaxFailureDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How far back failures are counted.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Failures of one account from one address within <see cref="FailureWindow"/> after which that address is refused
    /// for that account (the password is not checked) until the oldest failure ages out. Never affects other addresses.
    /// </summary>
    public int MaxFailuresPerAccountAddress { get; set; } = 10;

    /// <summary>
    /// Distinct accounts whose latest login from one address failed within <see cref="FailureWindow"/> after which the
    /// address is refused for every account it has not logged in to before. Far above
    /// <see cref="MaxFailuresPerAccountAddress"/> so that users behind one NAT do not lock each other out; a good login
    /// takes its account off the address's list.
    /// </summary>
    public int MaxFailedAccountsPerAddress { get; set; } = 100;

    /// <summary>
    /// How long a login waits, when the attempts of its account and address (or from its address) still in flight would
    /// reach <see cref="MaxFailuresPerAccountAddress"/> (or <see cref="MaxFailedAccountsPerAddress"/>) though too few have
    /// failed, for one of them to settle; after that it is refused as throttled. Parallel logins with the right password
    /// therefore queue instead of being refused, while no more than the limit's worth of passwords are checked at once.
    /// </summary>
    public TimeSpan InFlightWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an address that logged in to an account is remembered as known for it: a known address is not slowed
    /// or refused because of other addresses' failures, nor because of other accounts' failures from it.
    /// </summary>
    public TimeSpan KnownAddressLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Upper bound on remembered keys per table (failures per account and address, per account, per address, and known
    /// addresses), so a spray from many addresses cannot grow memory without bound.
    /// </summary>
    public int MaxTrackedKeys { get; set; } = 100_000;

    /// <summary>
    /// PBKDF2 iterations for newly set passwords. Existing hashes keep the count they were made with until their owner
    /// next logs in successfully, when they are rehashed with this count; so it can be raised at any time. Lower it only
    /// for tests.
    /// </summary>
    public int PasswordHashIterations { get; set; } = PasswordHasher.DefaultIterations;

    /// <summary>
    /// How long a successful password check is remembered (<see cref="VerifiedCredentialCache"/>), so repeated logins do
    /// not pay the hash again; zero turns the cache off. Like Dovecot's auth_cache_ttl (one hour there).
    /// </summary>
    public TimeSpan CredentialCacheDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Successful checks remembered at most; beyond it the cache is swept (it never grows without bound).</summary>
    public int CredentialCacheMaxEntries { get; set; } = 100_000;

    /// <summary>
    /// Minimum length, in characters, of a password set by <c>cloudmail user add</c> / <c>user passwd</c>. Not enforced
    /// at login, so existing shorter passwords keep working until they are changed.
    /// </summary>
    public int MinimumPasswordLength { get; set; } = 12;
}
