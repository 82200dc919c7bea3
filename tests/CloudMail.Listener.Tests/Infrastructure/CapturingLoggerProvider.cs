using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// Records every log event of a running server: the formatted message (what a text sink writes) and each structured
/// value as a sink would render it. Attach with <see cref="AttachTo"/> after the server started.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _events = new();

    /// <summary>Everything logged so far, in order.</summary>
    public IReadOnlyList<CapturedLog> Events => [.. _events];

    /// <summary>All messages and exception texts, one event per line as written.</summary>
    public string Text => string.Join("\n", _events.Select(e => e.Message + (e.Exception is null ? "" : "\n" + e.Exception)));

    /// <summary>Adds this provider to <paramref name="server"/>'s logger factory (existing loggers included).</summary>
    public CapturingLoggerProvider AttachTo(TestServer server)
    {
        server.Get<ILoggerFactory>().AddProvider(this);
        return this;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.Where(p => p.Key != "{OriginalFormat}").Select(p => (p.Key, Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")).ToList()
                : [];
            owner._events.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), values, exception));
        }
    }
}

/// <summary>One log event: its formatted message, its structured values rendered as text, and its exception if any.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, IReadOnlyList<(string Name, string Value)> Values, Exception? Exception = null);
