using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// Keeps every log entry a running server writes from now on (at the levels its configuration lets through),
/// for asserting what was and was not logged.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly List<(LogLevel Level, string Category, string Message)> _entries = [];

    /// <summary>Adds a capture to <paramref name="server"/>'s logger factory; existing loggers write to it too.</summary>
    public static LogCapture Attach(TestServer server)
    {
        var capture = new LogCapture();
        server.Services.GetRequiredService<ILoggerFactory>().AddProvider(capture);
        return capture;
    }

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries
    {
        get { lock (_entries) return [.. _entries]; }
    }

    /// <summary>Entries at <see cref="LogLevel.Error"/> or above, as text.</summary>
    public IReadOnlyList<string> Errors => [.. Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}")];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception) + (exception is null ? "" : " " + exception.GetType().Name);
            lock (capture._entries) capture._entries.Add((logLevel, category, message));
        }
    }
}
