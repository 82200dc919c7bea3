using System.Collections.Concurrent;
using System.Globalization;
using DnsClient;

namespace CloudMail.Delivery.Dns;

/// <summary>
/// DNS answers kept for as long as <paramref name="lifetime"/> allows (<see cref="AnswerTtl"/>), keyed by the question's
/// lowercased name, type and class. At most <see cref="MaxEntries"/> answers are kept (names are chosen by senders, and
/// TTLs by whoever runs their zones): when that is reached, expired entries are dropped and, if too few were, a tenth of
/// the others, whichever come first, so that answers keep being cached under a flood of new names. Thread-safe.
/// </summary>
public sealed class DnsAnswerCache(TimeProvider time, Func<IDnsQueryResponse, TimeSpan?> lifetime)
{
    /// <summary>Most answers kept at once.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _answers = new(StringComparer.Ordinal);

    private sealed record Entry(IDnsQueryResponse Response, DateTimeOffset Expires);

    /// <summary>Answers held now (expired ones included until they are next looked up or swept).</summary>
    public int Count => _answers.Count;

    /// <summary>The kept answer to <paramref name="question"/> while it is fresh, else <see langword="null"/>.</summary>
    public IDnsQueryResponse? Get(DnsQuestion question)
    {
        string key = Key(question);
        if (!_answers.TryGetValue(key, out var entry)) return null;
        if (entry.Expires > time.GetUtcNow()) return entry.Response;
        _answers.TryRemove(KeyValuePair.Create(key, entry));
        return null;
    }

    /// <summary>Keeps <paramref name="response"/> when its lifetime allows; returns it either way.</summary>
    public IDnsQueryResponse Keep(DnsQuestion question, IDnsQueryResponse response)
    {
        if (lifetime(response) is not { } ttl) return response;
        var now = time.GetUtcNow();
        if (_answers.Count >= MaxEntries) MakeRoom(now);
        _answers[Key(question)] = new Entry(response, now + ttl);
        return response;
    }

    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var (key, entry) in _answers)
            if (entry.Expires <= now) _answers.TryRemove(KeyValuePair.Create(key, entry));
        int excess = _answers.Count - (MaxEntries - MaxEntries / 10);
        foreach (var key in _answers.Keys)
        {
            if (excess-- <= 0) break;
            _answers.TryRemove(key, out _);
        }
    }

    private static string Key(DnsQuestion question) =>
        string.Concat(question.QueryName.Value.TrimEnd('.').ToLowerInvariant(), ":",
            ((int)question.QuestionType).ToString(CultureInfo.InvariantCulture), ":", ((int)question.QuestionClass).ToString(CultureInfo.InvariantCulture));
}
