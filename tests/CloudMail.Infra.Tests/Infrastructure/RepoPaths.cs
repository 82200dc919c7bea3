namespace CloudMail.Infra.Tests.Infrastructure;

/// <summary>Locates files of the repository the tests run from (the folder holding CloudMail.sln).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(Of(parts));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CloudMail.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No CloudMail.sln above {AppContext.BaseDirectory}");
    }
}
