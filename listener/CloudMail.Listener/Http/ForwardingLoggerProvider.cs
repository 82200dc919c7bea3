using CloudMail.SendApi;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Http;

/// <summary>
/// Hands the inner web application's log events to the outer host's logging (its providers, its configured
/// filters), after the inner application's own filters: per-request framework chatter is cut to warnings there.
/// </summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory outer) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => outer.CreateLogger(categoryName);

    /// <summary>The outer factory belongs to the outer host, which disposes it.</summary>
    public void Dispose() { }
}
