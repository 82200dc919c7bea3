using CloudMail.Infra.Tests.Infrastructure;

namespace CloudMail.Infra.Tests;

/// <summary>The build check itself: infra/ compiles and lints clean, and a warning fails the check.</summary>
[Collection(CompiledInfraCollection.Name)]
public sealed class BicepCheckTests(CompiledInfraFixture infra)
{
    [Fact]
    public void Infra_compiles_and_lints_with_no_warning_or_error_lines()
    {
        BicepCheckResult check = infra.Check;

        Assert.True(check.ExitCode == 0, "build/bicep-check.sh failed:\n" + check.Output);
        Assert.True(check.DiagnosticLines.Count == 0, "Bicep reported:\n" + string.Join('\n', check.DiagnosticLines));
        Assert.Contains("Bicep CLI version 0.49.2", check.Output, StringComparison.Ordinal);
        Assert.Contains("bicep-check: OK", check.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Compiled_template_is_written_outside_infra()
    {
        Assert.True(File.Exists(Path.Combine(infra.Check.OutDir, "main.json")));
        Assert.Empty(System.IO.Directory.GetFiles(RepoPaths.Of("infra"), "main.json", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_template_with_only_warnings_fails_the_check_although_the_CLI_exits_zero()
    {
        // An unused parameter (linter) and an API version Bicep has no types for (BCP081): both are warnings.
        string dir = Path.Combine(Path.GetTempPath(), "cloudmail-bicep-bad-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        try
        {
            string file = Path.Combine(dir, "bad.bicep");
            File.WriteAllText(file, """
                param unused string
                param location string
                resource account 'Microsoft.Storage/storageAccounts@2099-01-01' = {
                  name: 'cloudmailbad'
                  location: location
                }
                """);

            BicepCheckResult check = BicepCheck.Run(file);

            Assert.True(check.ExitCode != 0, "a template with warnings passed:\n" + check.Output);
            Assert.Contains(check.DiagnosticLines, l => l.Contains("no-unused-params", StringComparison.Ordinal));
            Assert.Contains(check.DiagnosticLines, l => l.Contains("BCP081", StringComparison.Ordinal));
            Assert.Contains("bicep-check: FAILED", check.Output, StringComparison.Ordinal);
        }
        finally
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Bicep_CLI_comes_from_the_pinned_NuGet_package()
    {
        string project = RepoPaths.Read("build", "bicep", "Bicep.proj");
        string script = RepoPaths.Read("build", "bicep-check.sh");

        Assert.Contains("""<PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[0.49.2]" />""", project, StringComparison.Ordinal);
        Assert.Contains("bicep_version=\"0.49.2\"", script, StringComparison.Ordinal);
    }
}
