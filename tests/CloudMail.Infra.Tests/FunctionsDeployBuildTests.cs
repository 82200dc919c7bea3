using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using CloudMail.Infra.Tests.Infrastructure;

namespace CloudMail.Infra.Tests;

/// <summary>
/// What `azd deploy functions` builds: azure.yaml names the project and passes no MSBuild properties, so the deployed
/// app is the project evaluated with none. MSBuild evaluates it here (no restore, no network) and the test asserts
/// that build binds Service Bus triggers through the official worker extension, not the test machines' stand-in.
/// </summary>
public sealed partial class FunctionsDeployBuildTests
{
    private const string OfficialExtension = "Microsoft.Azure.Functions.Worker.Extensions.ServiceBus";

    [Fact]
    public void Azure_yaml_publishes_the_functions_project_with_no_build_properties()
    {
        string yaml = RepoPaths.Read("azure.yaml");

        Assert.Matches(@"(?m)^  functions:\n    project: \./functions/CloudMail\.Functions\n    language: dotnet\n    host: function$", yaml);
        Assert.DoesNotMatch(UseOfficialSetting(), yaml);
        Assert.DoesNotMatch(UseOfficialSetting(), RepoPaths.Read("listener", "CloudMail.Listener", "Dockerfile"));
    }

    [Fact]
    public void The_default_build_references_the_official_Service_Bus_extension_and_not_the_stand_in()
    {
        JsonElement evaluated = Evaluate();

        Assert.Equal("true", evaluated.GetProperty("Properties").GetProperty("UseOfficialServiceBusExtension").GetString());
        string[] packages = Items(evaluated, "PackageReference");
        Assert.Contains(OfficialExtension, packages);
        string[] compiled = Items(evaluated, "Compile");
        Assert.NotEmpty(compiled);
        Assert.DoesNotContain(compiled, c => c.Contains("ServiceBusStandIn", StringComparison.Ordinal));
    }

    [Fact]
    public void The_stand_in_build_is_only_an_explicit_opt_in()
    {
        JsonElement evaluated = Evaluate("-p:UseOfficialServiceBusExtension=false");

        Assert.DoesNotContain(OfficialExtension, Items(evaluated, "PackageReference"));
        Assert.Contains(Items(evaluated, "Compile"), c => c.Contains("ServiceBusStandIn", StringComparison.Ordinal));
    }

    private static string[] Items(JsonElement evaluated, string type) =>
        evaluated.GetProperty("Items").GetProperty(type).EnumerateArray()
            .Select(i => i.GetProperty("Identity").GetString()!)
            .ToArray();

    private static JsonElement Evaluate(params string[] extra)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (string arg in (string[])["msbuild", RepoPaths.Of("functions", "CloudMail.Functions", "CloudMail.Functions.csproj"),
                     "-getProperty:UseOfficialServiceBusExtension", "-getItem:PackageReference", "-getItem:Compile", .. extra])
        {
            psi.ArgumentList.Add(arg);
        }

        // MSBuild reads environment variables as properties: evaluate exactly as a clean deployment machine would.
        psi.Environment.Remove("UseOfficialServiceBusExtension");
        using Process process = Process.Start(psi)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "dotnet msbuild did not finish");
        Assert.True(process.ExitCode == 0, $"dotnet msbuild failed: {stdout}{stderr.Result}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    [GeneratedRegex("UseOfficialServiceBusExtension", RegexOptions.IgnoreCase)]
    private static partial Regex UseOfficialSetting();
}
