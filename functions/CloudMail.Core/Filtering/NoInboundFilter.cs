using CloudMail.Core.Messages;

namespace CloudMail.Core.Filtering;

/// <summary>The filter when filtering is switched off: accepts everything unchanged.</summary>
public sealed class NoInboundFilter : IInboundFilter
{
    public static NoInboundFilter Instance { get; } = new();

    public Task<InboundVerdict> CheckAsync(Envelope envelope, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken) =>
        Task.FromResult(InboundVerdict.Accept);
}
