namespace CloudMail.SendApi;

/// <summary>A value, or the problem that prevented it (parsers and validators return this instead of throwing).</summary>
public readonly record struct Checked<T>(T? Value, ApiProblem? Problem) where T : class
{
    public static Checked<T> Ok(T value) => new(value, null);

    public static Checked<T> Fail(ApiProblem problem) => new(null, problem);
}

/// <summary>Collects per-field messages for the <c>errors</c> member of a problem.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>"field: message" of the first error, for the problem's detail line.</summary>
    public string First()
    {
        var (field, messages) = _errors.First();
        return $"{field}: {messages[0]}";
    }

    /// <summary>A detail sentence naming the first error and how many more there are.</summary>
    public string Summary()
    {
        int count = _errors.Values.Sum(l => l.Count);
        return count == 1 ? First() : $"{First()} (and {count - 1} more; see errors)";
    }
}
