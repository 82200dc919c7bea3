using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using CloudMail.Core.Directory;
using Microsoft.Extensions.Options;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>One signed-in browser: the admin key it signed in with (its id and scopes, never the key) and its form token.</summary>
/// <param name="Csrf">The token every form of this session carries (<see cref="ConsoleHttp.CsrfField"/>).</param>
public sealed record ConsoleSession(string Id, string KeyId, IReadOnlyList<string> Scopes, string Csrf, DateTimeOffset CreatedAt)
{
    /// <summary>When the session was last used.</summary>
    public DateTimeOffset LastSeen { get; set; } = CreatedAt;

    /// <summary>True when the key carries <paramref name="scope"/>.</summary>
    public bool Has(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);

    /// <summary>Hides the session id and token.</summary>
    public override string ToString() => $"ConsoleSession {{ KeyId = {KeyId} }}";
}

/// <summary>
/// The console's sessions, in this process's memory: a restart signs everyone out. A session id and a CSRF token are 32
/// random bytes each; a session ends when idle for <see cref="ConsoleOptions.IdleTimeout"/>, at
/// <see cref="ConsoleOptions.MaxLifetime"/>, at sign-out, and (checked by <see cref="ConsoleHandler"/> on each request) when
/// its admin key is revoked.
/// </summary>
public sealed class ConsoleSessions(IOptions<ConsoleOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ConsoleSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>A new random token (URL- and cookie-safe).</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> are the same token, compared in constant time.</summary>
    public static bool SameToken(string? a, string? b) =>
        a is not null && b is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    /// <summary>Starts a session for <paramref name="key"/>, ending expired ones and, at the cap, the least recently used.</summary>
    public ConsoleSession Start(AdminKeyInfo key)
    {
        var now = time.GetUtcNow();
        foreach (var stale in _sessions.Values.Where(s => Expired(s, now))) _sessions.TryRemove(stale.Id, out _);
        while (_sessions.Count >= options.Value.MaxSessions && _sessions.Values.MinBy(s => s.LastSeen) is { } oldest)
            _sessions.TryRemove(oldest.Id, out _);
        var session = new ConsoleSession(NewToken(), key.KeyId, key.Scopes, NewToken(), now);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session with id <paramref name="id"/>, marked used now; null when unknown or expired (an expired one is ended).</summary>
    public ConsoleSession? Find(string? id)
    {
        if (id is null || !_sessions.TryGetValue(id, out var session)) return null;
        var now = time.GetUtcNow();
        if (Expired(session, now))
        {
            End(id);
            return null;
        }
        session.LastSeen = now;
        return session;
    }

    /// <summary>Ends the session <paramref name="id"/> (nothing when there is none).</summary>
    public void End(string id) => _sessions.TryRemove(id, out _);

    private bool Expired(ConsoleSession s, DateTimeOffset now) =>
        now - s.LastSeen >= options.Value.IdleTimeout || now - s.CreatedAt >= options.Value.MaxLifetime;
}
