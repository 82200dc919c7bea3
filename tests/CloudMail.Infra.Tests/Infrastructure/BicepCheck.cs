using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace CloudMail.Infra.Tests.Infrastructure;

/// <summary>The outcome of one run of <c>build/bicep-check.sh</c>.</summary>
internal sealed record BicepCheckResult(int ExitCode, string Output, string OutDir)
{
    /// <summary>Lines of the CLI's output (not the script's own "bicep-check:" lines) that say Warning or Error.</summary>
    public IReadOnlyList<string> DiagnosticLines =>
        Output.Split('\n').Where(l => l.Contains("Warning", StringComparison.OrdinalIgnoreCase) || l.Contains("Error", StringComparison.OrdinalIgnoreCase))
            .Where(l => !l.StartsWith("bicep-check: ", StringComparison.Ordinal)).ToList();
}

/// <summary>Runs <c>build/bicep-check.sh</c>: the same script a developer or CI runs by hand.</summary>
internal static class BicepCheck
{
    public static BicepCheckResult Run(string? bicepFile = null)
    {
        string outDir = Path.Combine(Path.GetTempPath(), "cloudmail-bicep-" + Guid.NewGuid().ToString("N"));
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        psi.ArgumentList.Add(RepoPaths.Of("build", "bicep-check.sh"));
        psi.ArgumentList.Add("--outdir");
        psi.ArgumentList.Add(outDir);
        if (bicepFile is not null)
        {
            psi.ArgumentList.Add("--file");
            psi.ArgumentList.Add(bicepFile);
        }
        // The test host inherits MSBuild variables from `dotnet test`; a nested `dotnet restore` must not see them.
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        var output = new StringBuilder();
        var lockObj = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (lockObj) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lockObj) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("build/bicep-check.sh ran for more than 5 minutes:\n" + output);
        }
        process.WaitForExit();
        return new BicepCheckResult(process.ExitCode, output.ToString(), outDir);
    }
}

/// <summary>
/// Runs the Bicep check on infra/main.bicep once for every test that reads the compiled template.
/// </summary>
public sealed class CompiledInfraFixture : IDisposable
{
    internal BicepCheckResult Check { get; } = BicepCheck.Run();

    internal ArmTemplate Main => _main.Value;

    private readonly Lazy<ArmTemplate> _main;

    public CompiledInfraFixture()
    {
        _main = new Lazy<ArmTemplate>(() =>
        {
            string path = Path.Combine(Check.OutDir, "main.json");
            if (Check.ExitCode != 0 || !File.Exists(path))
                throw new InvalidOperationException("build/bicep-check.sh failed; its output:\n" + Check.Output);
            return ArmTemplate.Root(JsonNode.Parse(File.ReadAllText(path))!.AsObject());
        });
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Check.OutDir, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class CompiledInfraCollection : ICollectionFixture<CompiledInfraFixture>
{
    public const string Name = "compiled infra";
}
