using CloudMail.Core.Dkim;
using Microsoft.Extensions.Logging;

namespace CloudMail.Storage.Azure.KeyVault;

/// <summary>
/// <see cref="IRemoteDigestSignerFactory"/> over the deployment's vault (<see cref="KeyVaultKeyClient"/>): a DKIM key row's
/// <see cref="DkimKey.RemoteKeyId"/> is a key id <c>https://{vault}/keys/{name}/{version}</c> of that vault. Failures:
/// a vault that is down or throttling throws <see cref="Core.Failures.TransientStorageException"/> (the stage is retried
/// later); a refusal (missing or disabled key, 401/403: the app's identity lacks Key Vault Crypto User) is logged as an
/// error and thrown as <see cref="DkimKeyUnavailableException"/> (the outbound stage defers the message). A key id of
/// another vault, or that is not a key id, is unavailable too: the app signs only with keys of its own vault.
/// Also the <see cref="IRemoteDkimKeyCreator"/> of <c>cloudmail dkim generate</c>: keys are named
/// <see cref="KeyName"/>; two domains whose names map to the same key name only add versions to one key, and every row
/// names its own version, so they never share a private key.
/// </summary>
public sealed partial class KeyVaultDigestSigners(KeyVaultKeyClient client, ILogger<KeyVaultDigestSigners> logger) : IRemoteDigestSignerFactory, IRemoteDkimKeyCreator
{
    /// <summary>Key Vault object names: 1 to 127 letters, digits and '-'.</summary>
    public const int MaxKeyNameLength = 127;

    /// <summary>
    /// The vault key name of a domain's selector: <c>dkim-{domain}-{selector}</c> with every character other than a letter
    /// or digit as '-'; a name longer than <see cref="MaxKeyNameLength"/> becomes <c>dkim-</c> and a SHA-256 prefix of both.
    /// </summary>
    public static string KeyName(string domain, string selector)
    {
        string name = AzureResourceNames.KeyVaultSecrets.DkimKeyPrefix
            + new string([.. $"{domain}-{selector}".Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
        if (name.Length <= MaxKeyNameLength) return name;
        byte[] hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(domain + "/" + selector));
        return AzureResourceNames.KeyVaultSecrets.DkimKeyPrefix + Convert.ToHexStringLower(hash)[..32];
    }

    /// <inheritdoc />
    public async Task<DkimKey> CreateAsync(string domain, string selector, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string name = KeyName(domain, selector);
        KeyVaultRsaKey key;
        try
        {
            key = await client.CreateRsaSigningKeyAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyVaultKeyException e)
        {
            throw new DkimKeyUnavailableException(
                $"Key Vault {client.VaultUri} refused to create key {name} ({e.StatusCode}): creating keys needs the Key Vault Crypto Officer role.", e);
        }
        return DkimKey.Remote(domain, selector, key.KeyId.AbsoluteUri, key.DkimPublicKeyBase64(),
            DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()));
    }

    /// <inheritdoc />
    public IRemoteDigestSigner For(string keyId)
    {
        if (!TryParse(keyId, client.VaultUri, out string name, out string version))
            throw new DkimKeyUnavailableException($"DKIM key id {keyId} is not a key version of the configured vault {client.VaultUri}.");
        return new Signer(this, keyId, client.SignerFor(name, version));
    }

    /// <summary>Splits <c>{vault}/keys/{name}/{version}</c> of <paramref name="vault"/> into name and version.</summary>
    public static bool TryParse(string keyId, Uri vault, out string name, out string version)
    {
        name = version = "";
        if (!Uri.TryCreate(keyId, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps
            || !string.Equals(uri.GetLeftPart(UriPartial.Authority), vault.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)) return false;
        string[] segments = uri.AbsolutePath.Trim('/').Split('/');
        if (segments.Length != 3 || segments[0] != "keys" || segments[1].Length == 0 || segments[2].Length == 0) return false;
        (name, version) = (Uri.UnescapeDataString(segments[1]), Uri.UnescapeDataString(segments[2]));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Key Vault refused to sign with DKIM key {KeyId} ({Status}): mail of its domain is deferred until the key is usable")]
    private partial void LogRefused(string keyId, int status);

    private sealed class Signer(KeyVaultDigestSigners owner, string keyId, IRemoteDigestSigner vault) : IRemoteDigestSigner
    {
        public async Task<byte[]> SignSha256DigestAsync(byte[] sha256Digest, CancellationToken cancellationToken)
        {
            try
            {
                return await vault.SignSha256DigestAsync(sha256Digest, cancellationToken).ConfigureAwait(false);
            }
            catch (KeyVaultKeyException e)
            {
                owner.LogRefused(keyId, e.StatusCode);
                throw new DkimKeyUnavailableException($"Key Vault refused DKIM key {keyId} with {e.StatusCode}.", e);
            }
        }
    }
}
