using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace CloudMail.Core.Auth;

/// <summary>
/// Remembers successful password checks for <see cref="AuthOptions.CredentialCacheDuration"/>, as Dovecot's auth cache
/// does, so that a client that logs in again and again (IMAP clients open several connections, phones reconnect on every
/// wake-up) pays the PBKDF2 cost once. An entry is an HMAC-SHA256, under a key drawn at random when the process starts,
/// of (account, password, stored hash), held with the account's name (for <see cref="Forget"/>): no password or hash is kept, the key never leaves memory, and an entry stops
/// matching as soon as the stored hash changes (password change, rehash) or the account is gone, in this process or any
/// other. Only successes are remembered; a failed check is never cached.
/// </summary>
public sealed class VerifiedCredentialCache(AuthOptions options, TimeProvider time)
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (string Account, DateTimeOffset Expires)> _verified = new(StringComparer.Ordinal);

    /// <summary>Entries held now (expired ones included until the next sweep).</summary>
    public int Count => _verified.Count;

    /// <summary>True when this exact (account, password, stored hash) was verified within the cache duration.</summary>
    public bool Contains(string account, string password, string storedHash)
    {
        if (options.CredentialCacheDuration <= TimeSpan.Zero) return false;
        string entry = EntryOf(account, password, storedHash);
        if (!_verified.TryGetValue(entry, out var found)) return false;
        if (found.Expires > time.GetUtcNow()) return true;
        _verified.TryRemove(entry, out _);
        return false;
    }

    /// <summary>Remembers that <paramref name="password"/> matched <paramref name="storedHash"/> for <paramref name="account"/>.</summary>
    public void Add(string account, string password, string storedHash)
    {
        if (options.CredentialCacheDuration <= TimeSpan.Zero) return;
        DateTimeOffset now = time.GetUtcNow();
        if (_verified.Count >= options.CredentialCacheMaxEntries) Sweep(now);
        _verified[EntryOf(account, password, storedHash)] = (account.ToLowerInvariant(), now + options.CredentialCacheDuration);
    }

    /// <summary>
    /// Drops every entry of <paramref name="account"/> (compared lower-cased), so that its next login checks the directory's
    /// hash and state again: called when the account is disabled or removed through this process. Returns how many it dropped.
    /// </summary>
    public int Forget(string account)
    {
        string key = account.ToLowerInvariant();
        int dropped = 0;
        foreach (var (entry, value) in _verified)
            if (value.Account == key && _verified.TryRemove(entry, out _)) dropped++;
        return dropped;
    }

    /// <summary>Drops expired entries; when that is not enough, drops them all (the cache stays bounded).</summary>
    private void Sweep(DateTimeOffset now)
    {
        foreach (var (entry, value) in _verified)
            if (value.Expires <= now) _verified.TryRemove(entry, out _);
        if (_verified.Count >= options.CredentialCacheMaxEntries) _verified.Clear();
    }

    /// <summary>The entry (an HMAC under the process's key) of (account, password, stored hash); holds neither.</summary>
    internal string EntryOf(string account, string password, string storedHash)
    {
        byte[] data = Encoding.UTF8.GetBytes(account.ToLowerInvariant() + "\0" + password + "\0" + storedHash);
        try
        {
            return Convert.ToBase64String(HMACSHA256.HashData(_key, data));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(data);
        }
    }
}
