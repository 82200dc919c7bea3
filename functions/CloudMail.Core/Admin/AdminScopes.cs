namespace CloudMail.Core.Admin;

/// <summary>
/// The scopes an admin API key may carry. <see cref="Read"/> allows every GET; <see cref="Write"/> allows every change
/// (POST, PUT, DELETE). Neither implies the other: a key for a provisioning script can be write-only.
/// </summary>
public static class AdminScopes
{
    public const string Read = "admin:read";
    public const string Write = "admin:write";

    /// <summary>Every scope there is, sorted.</summary>
    public static readonly IReadOnlyList<string> All = [Read, Write];

    /// <summary>
    /// Parses scopes given as a list of words, each possibly comma- or space-separated (<c>admin:read,admin:write</c>).
    /// Returns them sorted without repeats, or null with <paramref name="problem"/> when one is unknown or none is given.
    /// Never throws.
    /// </summary>
    public static IReadOnlyList<string>? Parse(IEnumerable<string?> words, out string? problem)
    {
        var scopes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string? word in words)
        {
            foreach (string scope in (word ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!All.Contains(scope, StringComparer.Ordinal))
                {
                    problem = $"unknown scope '{scope}'; the scopes are {string.Join(", ", All)}";
                    return null;
                }
                scopes.Add(scope);
            }
        }
        problem = scopes.Count == 0 ? $"give at least one scope: {string.Join(", ", All)}" : null;
        return problem is null ? [.. scopes] : null;
    }
}
