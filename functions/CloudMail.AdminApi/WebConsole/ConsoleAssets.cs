using System.Reflection;

namespace CloudMail.AdminApi.WebConsole;

/// <summary>The console's static files, shipped inside the assembly as embedded resources (no files to deploy).</summary>
public static class ConsoleAssets
{
    /// <summary>Path of the stylesheet below the base path.</summary>
    public const string StylesheetPath = "console.css";

    private static readonly byte[] Stylesheet = Read("CloudMail.AdminApi.WebConsole.console.css");

    /// <summary>The asset at <paramref name="path"/> (below the base path), or null when there is none.</summary>
    public static ConsoleResult? Find(string path) => path == StylesheetPath
        ? new ConsoleResult(200, "text/css; charset=utf-8", Stylesheet,
            [new("Cache-Control", "public, max-age=3600"), new("X-Content-Type-Options", "nosniff")])
        : null;

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
