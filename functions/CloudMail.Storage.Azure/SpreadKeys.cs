using System.Security.Cryptography;
using System.Text;

namespace CloudMail.Storage.Azure;

/// <summary>
/// Spreads keys that grow in time order across Azure Storage's range partitions. Message ids begin with their creation
/// time (<see cref="Core.Messages.MessageIds"/>), so blob names and table partition keys made of the id alone would put
/// every new write at the end of one key range: the "append-only" hot spot the Storage scalability guidance warns
/// about. Two hex digits of the id's SHA-256 in front give 256 ranges that the service can split and serve in parallel.
/// Pure and stable: the same id always gets the same prefix.
/// </summary>
public static class SpreadKeys
{
    /// <summary>Two lower-case hex digits derived from <paramref name="id"/>.</summary>
    public static string Prefix(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        return Convert.ToHexStringLower(hash[..1]);
    }

    /// <summary>The blob name of message blob <paramref name="blobId"/>: <c>ab/{id}</c>.</summary>
    public static string BlobName(string blobId) => Prefix(blobId) + "/" + blobId;
}
