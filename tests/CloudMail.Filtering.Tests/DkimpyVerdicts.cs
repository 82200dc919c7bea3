namespace CloudMail.Filtering.Tests;

/// <summary>
/// Runs a dkimpy verification script (Debian's /usr/bin/python3, <see cref="Python.RunDebianAsync"/>) over messages: each
/// is written to a file in <c>folder</c>, the script gets <c>keysFile</c> and the paths, and prints one
/// <c>path verdict</c> line per message.
/// </summary>
internal static class DkimpyVerdicts
{
    /// <summary>The verdict of each message, by its key in <paramref name="messages"/>; fails when one is missing.</summary>
    public static async Task<Dictionary<string, string>> RunAsync(string folder, string script, string keysFile, IReadOnlyDictionary<string, byte[]> messages)
    {
        var paths = new Dictionary<string, string>();
        foreach (var (key, bytes) in messages)
        {
            string path = Path.Combine(folder, "verify-" + Guid.NewGuid().ToString("N") + ".eml");
            await File.WriteAllBytesAsync(path, bytes);
            paths[path] = key;
        }
        string output = await Python.RunDebianAsync(script, [keysFile, .. paths.Keys]);
        var verdicts = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim().Split(' '))
            .ToDictionary(parts => paths[parts[0]], parts => parts[1]);
        Assert.Equal(messages.Count, verdicts.Count);
        return verdicts;
    }
}
