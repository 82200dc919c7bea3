namespace CloudMail.Functions.Tests.Support;

/// <summary>Files of the repository and of the Functions build, found from the test's own output folder.</summary>
public static class RepoPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries that holds CloudMail.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>
    /// The functions.metadata the Worker SDK generated for this build: beside CloudMail.Functions.dll in this test's
    /// output when the build copied it there, else in the Functions project's own output for the same configuration.
    /// </summary>
    public static string FunctionsMetadata()
    {
        string beside = Path.Combine(Path.GetDirectoryName(typeof(Triggers.InboundFunction).Assembly.Location)!, "functions.metadata");
        if (System.IO.File.Exists(beside)) return beside;
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release" : "Debug";
        return File("functions", "CloudMail.Functions", "bin", configuration, "net10.0", "functions.metadata");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "CloudMail.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("CloudMail.sln not found above " + AppContext.BaseDirectory);
    }
}
