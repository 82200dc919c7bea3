using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.Routing;

namespace CloudMail.Storage.Embedded.Files;

/// <summary>
/// The embedded host's SRS secret when <see cref="RoutingOptions.SrsSecret"/> is empty: 32 random bytes (base64) generated
/// once into <c>DataDirectory/srs-secret</c> (0600, see <see cref="DataFolder"/>) and read from there on every later start,
/// so SRS addresses handed out before a restart still verify when their bounces come back.
/// </summary>
public static class SrsSecretFile
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "srs-secret";

    /// <summary>
    /// The configured secret when <paramref name="configured"/> is not empty; else the data folder's, created when missing
    /// (another process creating it at the same moment is fine: both then read the one that was written).
    /// </summary>
    public static SrsSecret Load(string dataDirectory, string? configured)
    {
        if (!string.IsNullOrEmpty(configured)) return SrsSecret.From(configured);
        string root = DataFolder.Prepare(dataDirectory);
        string path = Path.Combine(root, FileName);
        if (!File.Exists(path))
        {
            try
            {
                using var file = DataFolder.CreateFile(path, FileMode.CreateNew, FileAccess.Write);
                file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
                file.Flush(flushToDisk: true);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Created by another process meanwhile: use that one.
            }
        }
        string text = File.ReadAllText(path).Trim();
        if (text.Length < RoutingOptions.MinSrsSecretLength)
            throw new InvalidOperationException($"{path} holds no SRS secret; delete it to have a new one generated (SRS addresses handed out before stop verifying).");
        return SrsSecret.From(text);
    }
}
