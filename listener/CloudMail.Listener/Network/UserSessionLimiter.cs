using System.Net;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Network;

/// <summary>
/// Counts authenticated IMAP and POP3 sessions per user and per (user, client address), and refuses a login that
/// would pass <see cref="ClientLimitOptions.MaxSessionsPerUser"/> or
/// <see cref="ClientLimitOptions.MaxSessionsPerUserAndAddress"/> (Dovecot's mail_max_userip_connections). The
/// address is cut to its prefix (<see cref="ClientAddressPrefix"/>). Both protocols share the counts: they open the
/// same mailboxes, and POP3's exclusive maildrop lock alone would keep a POP3-only count from ever reaching a limit.
/// <para>
/// In-process, registered as a singleton: in Azure mode each listener replica counts its own sessions, so a user
/// may hold up to the limits on every replica. Memory is one entry per user and per (user, address) with a live
/// session. Thread-safe.
/// </para>
/// </summary>
public sealed class UserSessionLimiter(IOptions<ClientLimitOptions> options)
{
    private readonly ClientLimitOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perUser = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _perUserAndAddress = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Takes a session slot for <paramref name="account"/> (the canonical address) logged in from
    /// <paramref name="address"/>; null when either limit is reached. Dispose the slot when the session ends,
    /// however it ends (disposing twice is harmless).
    /// </summary>
    public IDisposable? TryAcquire(string account, IPAddress address)
    {
        string userAndAddress = account + " " + ClientAddressPrefix.Of(address, _options.Ipv6PrefixLength);
        lock (_gate)
        {
            if (_perUser.GetValueOrDefault(account) >= _options.MaxSessionsPerUser
                || _perUserAndAddress.GetValueOrDefault(userAndAddress) >= _options.MaxSessionsPerUserAndAddress)
                return null;
            Increment(_perUser, account);
            Increment(_perUserAndAddress, userAndAddress);
        }
        return new ReleaseOnce(() => Release(account, userAndAddress));
    }

    /// <summary>Sessions <paramref name="account"/> holds now, from all addresses.</summary>
    public int Count(string account)
    {
        lock (_gate) return _perUser.GetValueOrDefault(account);
    }

    private void Release(string account, string userAndAddress)
    {
        lock (_gate)
        {
            Decrement(_perUser, account);
            Decrement(_perUserAndAddress, userAndAddress);
        }
    }

    private static void Increment(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static void Decrement(Dictionary<string, int> counts, string key)
    {
        int left = counts.GetValueOrDefault(key) - 1;
        if (left > 0) counts[key] = left;
        else counts.Remove(key);
    }
}
