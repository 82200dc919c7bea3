using System.Reflection;

namespace CloudMail.Listener.Tests.Configuration;

/// <summary>docs/configuration.md must list every setting an options class binds, so the docs cannot fall behind the code.</summary>
public sealed class ConfigurationDocsTests
{
    [Fact]
    public void Every_option_of_every_options_class_is_documented()
    {
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));
        Assembly[] assemblies = [typeof(Core.Auth.AuthOptions).Assembly, typeof(Listener.Configuration.CloudMailOptions).Assembly];
        var missing = new List<string>();
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()).Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal)))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() is not string section) continue;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                string key = $"`{section}:{property.Name}`";
                if (!docs.Contains(key, StringComparison.Ordinal)) missing.Add(key);
            }
        }
        Assert.True(missing.Count == 0, "Run build/gen-config-docs.py; undocumented: " + string.Join(", ", missing));
    }

    /// <summary>The checkout's root (where CloudMail.sln is), for tests that read the docs.</summary>
    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CloudMail.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("CloudMail.sln not found above " + AppContext.BaseDirectory);
    }
}
