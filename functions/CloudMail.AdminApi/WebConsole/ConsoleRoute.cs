using System.Collections.Specialized;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>What a console route runs: the signed-in request in, the answer out.</summary>
public delegate Task<ConsoleResult> ConsoleEndpoint(ConsoleCall call, CancellationToken cancellationToken);

/// <summary>
/// One row of the console's route table: method (GET pages, POST actions), path below <see cref="ConsoleHttp.BasePath"/>
/// (exact; ids travel in the query or the form), the admin key scope it needs, and what runs.
/// </summary>
public sealed record ConsoleRoute(string Method, string Path, string Scope, ConsoleEndpoint Run);

/// <summary>A set of console pages and their actions (dashboard, domains...); <see cref="ConsoleHandler"/> serves the union.</summary>
public interface IConsolePage
{
    /// <summary>The entry of the navigation bar: the path below the base path and its label, in the order given.</summary>
    (string Path, string Label) Navigation { get; }

    IEnumerable<ConsoleRoute> Routes { get; }
}

/// <summary>One signed-in request as a route sees it: the session, the query, the posted form (empty for GET).</summary>
public sealed class ConsoleCall(ConsoleSession session, NameValueCollection query, NameValueCollection form, string path,
    IReadOnlyList<(string Path, string Label)> navigation)
{
    public ConsoleSession Session { get; } = session;

    public NameValueCollection Query { get; } = query;

    public NameValueCollection Form { get; } = form;

    /// <summary>The route's path below the base path.</summary>
    public string Path { get; } = path;

    /// <summary>A form field, trimmed; "" when absent.</summary>
    public string Field(string name) => (Form[name] ?? "").Trim();

    /// <summary>The whole page <paramref name="title"/> with <paramref name="body"/> in the console's layout, with <paramref name="status"/>.</summary>
    public ConsoleResult Page(string title, Markup body, int status = 200) => ConsoleLayout.Page(Session, navigation, Path, title, body, status);
}
