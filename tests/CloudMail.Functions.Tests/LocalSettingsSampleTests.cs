using System.Reflection;
using System.Text.Json;
using CloudMail.Core.Pipeline;
using CloudMail.Functions.Tests.Support;
using CloudMail.SendApi;
using CloudMail.Storage.Azure;

namespace CloudMail.Functions.Tests;

/// <summary>local.settings.sample.json (repo root) names every setting the Functions app reads, so it cannot fall behind.</summary>
public sealed class LocalSettingsSampleTests
{
    private static readonly JsonElement Values =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.File("local.settings.sample.json"))).RootElement.GetProperty("Values").Clone();

    public static TheoryData<string> Settings()
    {
        var data = new TheoryData<string>
        {
            "FUNCTIONS_WORKER_RUNTIME",
            "AzureWebJobsStorage",
            AzureResourceNames.StorageConnection.Name,
            AzureResourceNames.ServiceBusConnection.Name,
        };
        foreach (var (section, type) in new[] { (FunctionsOptions.Section, typeof(FunctionsOptions)), (PipelineOptions.Section, typeof(PipelineOptions)), (SendApiOptions.Section, typeof(SendApiOptions)), (AzureStorageOptions.Section, typeof(AzureStorageOptions)) })
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
                data.Add(section.Replace(":", "__", StringComparison.Ordinal) + "__" + property.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_sample_sets(string setting) => Assert.True(Values.TryGetProperty(setting, out _), setting + " is missing from local.settings.sample.json");

    [Fact]
    public void The_sample_says_the_functions_worker_runtime_is_isolated() =>
        Assert.Equal("dotnet-isolated", Values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
}
