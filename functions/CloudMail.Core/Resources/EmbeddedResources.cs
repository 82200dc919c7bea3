using System.Reflection;

namespace CloudMail.Core.Resources;

/// <summary>Reads files built into an assembly as embedded resources (the OpenAPI documents of the HTTP APIs).</summary>
public static class EmbeddedResources
{
    /// <summary>The bytes of resource <paramref name="name"/> of <paramref name="assembly"/>; throws when the build left it out.</summary>
    public static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from {assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
