using CloudMail.Core.Messages;

namespace CloudMail.Core.Filtering;

/// <summary>
/// Several inbound filters as one, in order: the first refusal wins (later filters do not run), otherwise the header
/// fields of all are put on top in order, a field any of them wants removed is removed, the summaries are joined, and
/// the message is junk (or still to be virus-scanned) when any of them says so.
/// </summary>
public sealed class InboundFilterChain(IReadOnlyList<IInboundFilter> filters) : IInboundFilter
{
    public IReadOnlyList<IInboundFilter> Filters { get; } = filters;

    public async Task<InboundVerdict> CheckAsync(Envelope envelope, Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        var headers = new System.Text.StringBuilder();
        var removals = new List<Func<string, bool>>();
        var summaries = new List<string>();
        bool junk = false, scanLater = false;
        foreach (IInboundFilter filter in Filters)
        {
            var verdict = await filter.CheckAsync(envelope, open, cancellationToken).ConfigureAwait(false);
            if (verdict.Reject is not null) return verdict;
            headers.Append(verdict.HeaderFields);
            if (verdict.RemoveField is { } remove) removals.Add(remove);
            summaries.Add(verdict.Summary);
            junk |= verdict.Junk;
            scanLater |= verdict.ScanLater;
        }
        Func<string, bool>? removeAny = removals.Count == 0 ? null : field => removals.Any(r => r(field));
        return new InboundVerdict(null, headers.ToString(), removeAny, string.Join("; ", summaries), junk, scanLater);
    }
}
