using System.Text;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>The frame of every console page: head with the stylesheet, navigation, signed-in key, sign-out form, and notices.</summary>
public static class ConsoleLayout
{
    /// <summary>Media type of every page.</summary>
    public const string ContentType = "text/html; charset=utf-8";

    /// <summary>A signed-in page; <paramref name="navigation"/> are the pages' entries, <paramref name="current"/> the one shown.</summary>
    public static ConsoleResult Page(ConsoleSession session, IEnumerable<(string Path, string Label)> navigation, string current, string title, Markup body, int status)
    {
        var nav = Html.Join(navigation, n => n.Path == current
            ? Html.Of($"<a href=\"{Link(n.Path)}\" aria-current=\"page\">{n.Label}</a>")
            : Html.Of($"<a href=\"{Link(n.Path)}\">{n.Label}</a>"));
        var header = Html.Of($"""
            <header><span class="brand">CloudMail</span><nav>{nav}</nav>
            <form method="post" action="{Link("sign-out")}" class="sign-out">{CsrfField(session.Csrf)}<span>key {session.KeyId}</span> <button type="submit">Sign out</button></form></header>
            """);
        return Document(title, Html.Of($"{header}<main><h1>{title}</h1>{body}</main>"), status);
    }

    /// <summary>A page without navigation (sign-in, errors before sign-in).</summary>
    public static ConsoleResult Document(string title, Markup body, int status)
    {
        var html = Html.Of($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · CloudMail</title><link rel="stylesheet" href="{Link(ConsoleAssets.StylesheetPath)}"></head>
            <body>{body}</body></html>
            """);
        return new ConsoleResult(status, ContentType, Encoding.UTF8.GetBytes(html.ToString()), ConsoleHttp.SecurityHeaders);
    }

    /// <summary>The hidden CSRF field of a form.</summary>
    public static Markup CsrfField(string token) => Html.Of($"<input type=\"hidden\" name=\"{ConsoleHttp.CsrfField}\" value=\"{token}\">");

    /// <summary>A one-line message above the content: <paramref name="kind"/> is <c>notice</c> or <c>error</c>.</summary>
    public static Markup Message(string kind, string? text) =>
        string.IsNullOrEmpty(text) ? Markup.Empty : Html.Of($"<p class=\"{kind}\" role=\"{(kind == "error" ? "alert" : "status")}\">{text}</p>");

    /// <summary>The URL of <paramref name="path"/> below the base path.</summary>
    public static string Link(string path) => path.Length == 0 ? ConsoleHttp.BasePath : ConsoleHttp.BasePath + "/" + path;
}
