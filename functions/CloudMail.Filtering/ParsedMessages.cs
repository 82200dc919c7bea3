using System.Runtime.CompilerServices;
using MimeKit;

namespace CloudMail.Filtering;

/// <summary>
/// The message of one filter-chain run parsed once and shared by the filters that need it (authentication, spam): the
/// run's <c>open</c> delegate (one instance per message, passed unchanged to every filter by
/// <see cref="Core.Filtering.InboundFilterChain"/>) is the key, held weakly, so the parse lives exactly as long as that
/// run. The parse is not persistent (content is copied out of the stream, which is closed at once), so a filter may read
/// any part after another filter has finished. Filters must only read the shared <see cref="MimeMessage"/>, never change it.
/// </summary>
public static class ParsedMessages
{
    private static readonly ConditionalWeakTable<Delegate, Task<ParsedMessage>> Runs = [];

    /// <summary>
    /// The message <paramref name="open"/> reads, parsed by MimeKit on the first call for that delegate and shared after;
    /// a message MIME cannot read gives <see cref="ParsedMessage.Message"/> null and the parser's reason, never an exception.
    /// A parse cancelled or failed for another reason is not kept: the next call tries again.
    /// </summary>
    public static Task<ParsedMessage> ParseAsync(Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        if (Runs.TryGetValue(open, out var kept) && !kept.IsFaulted && !kept.IsCanceled) return kept;
        var parse = LoadAsync(open, cancellationToken);
        Runs.AddOrUpdate(open, parse);
        return parse;
    }

    private static async Task<ParsedMessage> LoadAsync(Func<CancellationToken, Task<Stream>> open, CancellationToken cancellationToken)
    {
        await using var stream = await open(cancellationToken).ConfigureAwait(false);
        try
        {
            return new ParsedMessage(await MimeMessage.LoadAsync(stream, persistent: false, cancellationToken).ConfigureAwait(false), null);
        }
        catch (FormatException e)
        {
            return new ParsedMessage(null, e.Message);
        }
    }
}

/// <summary>A parsed message, or null and the parser's reason when MIME could not read it.</summary>
public sealed record ParsedMessage(MimeMessage? Message, string? Unreadable);
