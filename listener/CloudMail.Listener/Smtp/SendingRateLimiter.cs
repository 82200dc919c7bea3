using System.Collections.Concurrent;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// Messages and recipients per client address (IPv6 per /64) and per authenticated account over a sliding hour, on
/// every SMTP port: <see cref="SmtpOptions.MaxMessagesPerClientPerHour"/> and the three other limits (0 = no limit).
/// The hour slides: the count is this fixed hour's plus the previous hour's weighted by how much of it is still inside
/// the window (the estimate nginx and Cloudflare use), so a burst at an hour boundary cannot double the rate.
/// Per process; at most <see cref="MaxTrackedKeys"/> keys are tracked, the stalest dropped first.
/// </summary>
public sealed class SendingRateLimiter(SmtpOptions options, TimeProvider time)
{
    /// <summary>Keys tracked at most (clients and accounts together).</summary>
    public const int MaxTrackedKeys = 100_000;

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Counts a message (MAIL) when the client and the account are both under their message limits.</summary>
    public bool TryStartMessage(string client, string? account) =>
        TryCount("m:" + client, options.MaxMessagesPerClientPerHour, account is null ? null : "m@" + account.ToLowerInvariant(), options.MaxMessagesPerAccountPerHour);

    /// <summary>Counts a recipient (RCPT) when the client and the account are both under their recipient limits.</summary>
    public bool TryAddRecipient(string client, string? account) =>
        TryCount("r:" + client, options.MaxRecipientsPerClientPerHour, account is null ? null : "r@" + account.ToLowerInvariant(), options.MaxRecipientsPerAccountPerHour);

    private bool TryCount(string clientKey, int clientLimit, string? accountKey, int accountLimit)
    {
        DateTimeOffset now = time.GetUtcNow();
        var clientWindow = clientLimit > 0 ? WindowOf(clientKey, now) : null;
        var accountWindow = accountKey is not null && accountLimit > 0 ? WindowOf(accountKey, now) : null;
        // Lock in a fixed order (client, then account) so two sessions never wait on each other the other way round.
        lock (clientWindow ?? (object)this)
        {
            lock (accountWindow ?? (object)this)
            {
                if (clientWindow is not null && clientWindow.Estimate(now) >= clientLimit) return false;
                if (accountWindow is not null && accountWindow.Estimate(now) >= accountLimit) return false;
                clientWindow?.Add(now);
                accountWindow?.Add(now);
                return true;
            }
        }
    }

    private Window WindowOf(string key, DateTimeOffset now)
    {
        if (_windows.Count >= MaxTrackedKeys && !_windows.ContainsKey(key))
        {
            foreach (var (stale, window) in _windows)
                if (window.LastUse < now - 2 * Hour) _windows.TryRemove(stale, out _);
            if (_windows.Count >= MaxTrackedKeys) _windows.Clear();
        }
        return _windows.GetOrAdd(key, _ => new Window());
    }

    /// <summary>Counts of the current and the previous fixed hour. Callers lock the instance.</summary>
    private sealed class Window
    {
        private long _hour;
        private int _current;
        private int _previous;

        public DateTimeOffset LastUse { get; private set; }

        public double Estimate(DateTimeOffset now)
        {
            Roll(now);
            double intoHour = (now - HourStart(now)).TotalSeconds / Hour.TotalSeconds;
            return _current + _previous * (1 - intoHour);
        }

        public void Add(DateTimeOffset now)
        {
            Roll(now);
            _current++;
            LastUse = now;
        }

        private void Roll(DateTimeOffset now)
        {
            long hour = now.ToUnixTimeSeconds() / 3600;
            if (hour == _hour) return;
            _previous = hour == _hour + 1 ? _current : 0;
            _current = 0;
            _hour = hour;
        }

        private static DateTimeOffset HourStart(DateTimeOffset now) => DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / 3600 * 3600);
    }
}
