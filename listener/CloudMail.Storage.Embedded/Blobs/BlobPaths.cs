using System.Security.Cryptography;
using System.Text;

namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// Where message files live: <c>messages/&lt;shard&gt;/&lt;id&gt;.eml</c>, the shard being the first two hex
/// digits of SHA-256(id) (256 evenly filled folders whatever the id looks like; message ids start with a
/// timestamp, so their leading digits would not spread), and in-progress writes in <c>messages/tmp/</c>
/// (same file system, so the final rename is atomic).
/// </summary>
internal sealed class BlobPaths(string root)
{
    public const int MaxIdLength = 200;

    public string Root { get; } = root;

    public string TempDirectory { get; } = Path.Combine(root, "tmp");

    public string ShardDirectory(string blobId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(blobId), hash);
        return Path.Combine(Root, Convert.ToHexStringLower(hash[..1]));
    }

    public string FinalPath(string blobId) => Path.Combine(ShardDirectory(blobId), blobId + ".eml");

    public string NewTempPath(string blobId) =>
        Path.Combine(TempDirectory, $"{blobId}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp");

    /// <summary>
    /// Blob ids become file names: 1–200 characters of lower-case letters, digits, '-', '_' and '.', not
    /// starting with '.'. Lower case only, so ids never collide on case-insensitive file systems.
    /// Throws <see cref="ArgumentException"/> otherwise.
    /// </summary>
    public static void Validate(string blobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobId);
        if (!IsValid(blobId)) throw new ArgumentException($"'{blobId}' is not a valid blob id.", nameof(blobId));
    }

    /// <summary>True when <paramref name="blobId"/> is a blob id as <see cref="Validate"/> requires.</summary>
    public static bool IsValid(string? blobId) =>
        !string.IsNullOrEmpty(blobId) && blobId.Length <= MaxIdLength && blobId[0] != '.' && blobId.AsSpan().IndexOfAnyExcept(IdCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-_.");
}
