namespace CloudMail.Listener.Hosting;

/// <summary>
/// The words of one admin command split into positional words and <c>--name VALUE</c> options (the names
/// <see cref="CloudMailCommandLine"/> keeps as command words). Unknown options and a name without a value are errors.
/// </summary>
public sealed class CommandOptions
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    private CommandOptions(List<string> positional) => Positional = positional;

    /// <summary>The words that are not options, in order (the command's own words included).</summary>
    public IReadOnlyList<string> Positional { get; }

    /// <summary>The value of option <paramref name="name"/> (e.g. "--to"), or null when absent.</summary>
    public string? this[string name] => _options.TryGetValue(name, out string? value) ? value : null;

    /// <summary>Splits <paramref name="words"/>; null when an option is not in <paramref name="allowed"/>, repeated, or has no value.</summary>
    public static CommandOptions? Parse(IReadOnlyList<string> words, params string[] allowed)
    {
        var result = new CommandOptions([]);
        var positional = (List<string>)result.Positional;
        for (int i = 0; i < words.Count; i++)
        {
            if (!words[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(words[i]);
                continue;
            }
            if (!allowed.Contains(words[i]) || i + 1 >= words.Count || !result._options.TryAdd(words[i], words[i + 1])) return null;
            i++;
        }
        return result;
    }
}
