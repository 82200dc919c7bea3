using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// Every log entry a running server writes from the moment it is attached
/// (<c>server.Get&lt;ILoggerFactory&gt;().AddProvider(log)</c>), formatted as the console shows it, with any exception.
/// Subject to the server's log level (Warning in <see cref="TestServer"/>).
/// </summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries => [.. _entries];

    /// <summary>All messages and exception texts, one entry per line as written.</summary>
    public string Text => string.Join("\n", _entries.Select(e => e.Message + (e.Exception is null ? "" : "\n" + e.Exception)));

    /// <summary>Attaches a new capture to <paramref name="server"/>.</summary>
    public static CapturedLog AttachTo(TestServer server)
    {
        var log = new CapturedLog();
        server.Get<ILoggerFactory>().AddProvider(log);
        return log;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    private sealed class Logger(CapturedLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log._entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
