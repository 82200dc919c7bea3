namespace CloudMail.AdminApi;

/// <summary>What a route runs: the request's parts, parsed (<see cref="AdminCall"/>), in; the answer out.</summary>
public delegate Task<AdminApiResult> AdminEndpoint(AdminCall call, CancellationToken cancellationToken);

/// <summary>
/// One row of the admin API's route table: method, path template below <see cref="AdminApiHttp.BasePath"/> (literal segments and
/// <c>{name}</c> captures of one whole segment), the scope the key needs, and what runs.
/// </summary>
public sealed record AdminRoute(string Method, string Template, string Scope, AdminEndpoint Run)
{
    private readonly string[] _segments = Template.Split('/');

    /// <summary>
    /// The captures when <paramref name="segments"/> (percent-decoded path segments below the base path) fit the template,
    /// else null. A capture never matches an empty segment.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Match(IReadOnlyList<string> segments)
    {
        if (segments.Count != _segments.Length) return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < _segments.Length; i++)
        {
            string part = _segments[i];
            if (part.StartsWith('{') && part.EndsWith('}'))
            {
                if (segments[i].Length == 0) return null;
                values[part[1..^1]] = segments[i];
            }
            else if (!part.Equals(segments[i], StringComparison.Ordinal)) return null;
        }
        return values;
    }
}

/// <summary>A set of routes of one resource (domains, users...); <see cref="AdminApiHandler"/> serves the union.</summary>
public interface IAdminResource
{
    IEnumerable<AdminRoute> Routes { get; }
}
