using System.Security.Cryptography;
using System.Text;
using CloudMail.Core.SendApi;

namespace CloudMail.SendApi;

/// <summary>
/// What identifies a send API request for <see cref="IIdempotencyStore"/>: SHA-256 over the submission's media type
/// (<c>application/json</c> or <c>message/rfc822</c>, lower case), a line feed and the body bytes exactly as received,
/// as 64 lower-case hex digits. Fed while the body is read (<see cref="RequestBodyStream"/>), so a streamed body is
/// hashed without being held. A retry must resend the same bytes; the same message re-encoded (other JSON whitespace,
/// other line endings) is a different request.
/// </summary>
public sealed class RequestFingerprint : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _value;

    public RequestFingerprint(string mediaType) => _hash.AppendData(Encoding.ASCII.GetBytes(mediaType.ToLowerInvariant() + "\n"));

    /// <summary>Adds body bytes, in order. Ignored once <see cref="Value"/> was read.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_value is null) _hash.AppendData(bytes);
    }

    /// <summary>The fingerprint of the media type and every byte appended so far; reading it ends the appending.</summary>
    public string Value => _value ??= Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
