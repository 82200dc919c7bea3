using CloudMail.Core.Dkim;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace CloudMail.Filtering.Dkim;

/// <summary>
/// The rsa-sha256 DKIM check (RFC 6376 §3.7, §6.1.3) with the platform's RSA and SHA-256 (OpenSSL) instead of
/// BouncyCastle's, which MimeKit's <see cref="DkimVerifier"/> uses and which costs most of the authentication checks' CPU:
/// CloudMail's body hash (<see cref="DkimBodyHash"/>, the same digest as MimeKit's; MimeKit's for a body it leaves),
/// its header hash
/// (<see cref="DkimHeaderHash"/>), one RSA PKCS#1 v1.5 verification. <see cref="TryVerifyAsync"/> answers null for anything it does not take on itself (another
/// algorithm, a key that is not RSA, a tag set it does not recognise as complete and well-formed), which the caller then
/// hands to MimeKit's verifier; the answers it gives match that verifier's (a differential test holds them side by side).
/// </summary>
public sealed class PlatformRsaDkimCheck(IDkimPublicKeyLocator locator) : DkimVerifierBase(locator)
{
    /// <summary>
    /// The platform key for each key the locator returned (it memoizes them by TXT record text): importing a key into
    /// OpenSSL costs more than verifying with it, so it is done once per key, not per message.
    /// </summary>
    private static readonly ConditionalWeakTable<AsymmetricKeyParameter, PlatformRsaKeys> Keys = new();

    /// <summary>True/false for a verified/unverified signature, null when MimeKit's verifier should decide.</summary>
    public async Task<bool?> TryVerifyAsync(MimeMessage message, Header signature, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        if (!Eligible(tags, out var headerCanonicalization, out var bodyCanonicalization) || DkimSignatureTags.HasRepeatedTag(signature.Value)) return null;
        string domain = tags["d"], selector = tags["s"];
        var key = await PublicKeyLocator.LocatePublicKeyAsync(tags.GetValueOrDefault("q", "dns/txt"), domain, selector, cancellationToken).ConfigureAwait(false);
        if (key is not RsaKeyParameters rsa || rsa.IsPrivate) return null;
        if (rsa.Modulus.BitLength < MinimumRsaKeyLength) return false;
        if (DkimBodyHash.TryCompute(message, bodyCanonicalization) is { } bodyHash)
        {
            if (Convert.ToBase64String(bodyHash) != tags["bh"]) return false;
        }
        else
        {
            var options = FormatOptions.Default.Clone();
            options.NewLineFormat = NewLineFormat.Dos;
            if (!VerifyBodyHash(options, message, DkimSignatureAlgorithm.RsaSha256, bodyCanonicalization, -1, tags["bh"])) return false;
        }
        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(tags["b"]);
        }
        catch (FormatException)
        {
            return null;
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        DkimHeaderHash.Append(hash, message, signature, tags["h"].Split(':'), headerCanonicalization);
        var keys = Keys.GetValue(rsa, static k => new PlatformRsaKeys((RsaKeyParameters)k));
        var platform = keys.Take();
        try
        {
            return platform.VerifyHash(hash.GetHashAndReset(), signatureBytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        finally
        {
            keys.Return(platform);
        }
    }

    /// <summary>
    /// The tags this check takes on: v=1, a=rsa-sha256, d, s, bh, b and h present, h naming From (§5.4), a known c=, a
    /// no l=, dns/txt in q=, an i= in d or a subdomain of it (§3.5). Anything else goes to MimeKit's verifier.
    /// </summary>
    private static bool Eligible(IReadOnlyDictionary<string, string> tags, out DkimCanonicalizationAlgorithm header, out DkimCanonicalizationAlgorithm body)
    {
        header = body = DkimCanonicalizationAlgorithm.Simple;
        if (tags.GetValueOrDefault("v") != "1" || !string.Equals(tags.GetValueOrDefault("a"), "rsa-sha256", StringComparison.OrdinalIgnoreCase)) return false;
        foreach (string required in (string[])["d", "s", "bh", "b", "h"])
            if (string.IsNullOrEmpty(tags.GetValueOrDefault(required))) return false;
        if (!tags["h"].Split(':').Any(h => h.Equals("from", StringComparison.OrdinalIgnoreCase))) return false;
        if (tags.TryGetValue("q", out string? q) && !q.Split(':').Any(m => m.Equals("dns/txt", StringComparison.OrdinalIgnoreCase))) return false;
        if (tags.ContainsKey("l")) return false; // rare, and MimeKit's verifier already handles it
        if (tags.TryGetValue("i", out string? i))
        {
            int at = i.LastIndexOf('@');
            string identityDomain = at >= 0 ? i[(at + 1)..] : string.Empty;
            string d = tags["d"];
            if (!identityDomain.Equals(d, StringComparison.OrdinalIgnoreCase) && !identityDomain.EndsWith("." + d, StringComparison.OrdinalIgnoreCase)) return false;
        }
        if (tags.TryGetValue("c", out string? c))
        {
            string[] parts = c.Split('/');
            if (parts.Length > 2 || !TryCanonicalization(parts[0], out header)) return false;
            if (parts.Length == 2 && !TryCanonicalization(parts[1], out body)) return false;
        }
        return true;
    }

    private static bool TryCanonicalization(string name, out DkimCanonicalizationAlgorithm algorithm)
    {
        algorithm = DkimCanonicalizationAlgorithm.Simple;
        if (name.Equals("simple", StringComparison.OrdinalIgnoreCase)) return true;
        algorithm = DkimCanonicalizationAlgorithm.Relaxed;
        return name.Equals("relaxed", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Imported platform RSA objects for one public key, each used by one verification at a time (an <see cref="RSA"/>
    /// instance is not documented as safe for concurrent use): at most <see cref="MaxKept"/> are kept, the rest disposed.
    /// </summary>
    private sealed class PlatformRsaKeys(RsaKeyParameters key)
    {
        private const int MaxKept = 8;
        private readonly RSAParameters _parameters = new() { Modulus = key.Modulus.ToByteArrayUnsigned(), Exponent = key.Exponent.ToByteArrayUnsigned() };
        private readonly ConcurrentQueue<RSA> _idle = new();

        public RSA Take() => _idle.TryDequeue(out var rsa) ? rsa : RSA.Create(_parameters);

        public void Return(RSA rsa)
        {
            if (_idle.Count < MaxKept) _idle.Enqueue(rsa);
            else rsa.Dispose();
        }
    }
}
