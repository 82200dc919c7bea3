using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using CloudMail.Core.Dkim;
using CloudMail.Core.Failures;

namespace CloudMail.Storage.Azure.KeyVault;

/// <summary>
/// A minimal Key Vault keys REST client (api-version 7.4) over <see cref="HttpClient"/>, asynchronous throughout, because the
/// Azure.Security.KeyVault.Keys SDK is not available to this build. It creates a non-exportable RSA-2048 key
/// (<c>POST {vault}/keys/{name}/create</c>) and signs SHA-256 digests with it (<c>POST {vault}/keys/{name}/{version}/sign</c>,
/// <c>alg=RS256</c>, RSASSA-PKCS1-v1_5), so the DKIM private key never leaves the vault. Every request carries a bearer
/// token for <c>https://vault.azure.net/.default</c> from the given <see cref="TokenCredential"/>.
/// Failures: 429, 5xx, network errors, timeouts and token failures throw <see cref="TransientStorageException"/>; 400/401/403/404 and
/// unreadable responses throw <see cref="KeyVaultKeyException"/>. Tokens and digests are never logged.
/// </summary>
public sealed class KeyVaultKeyClient
{
    /// <summary>The token scope of Azure Key Vault's data plane.</summary>
    public const string Scope = "https://vault.azure.net/.default";

    private const string ApiVersion = "7.4";

    private readonly HttpClient _http;
    private readonly Uri _vault;
    private readonly TokenCredential _credential;

    /// <param name="http">The transport; tests pass one that trusts a local test certificate.</param>
    /// <param name="vaultUri">The vault, e.g. <c>https://myvault.vault.azure.net/</c>.</param>
    /// <param name="credential">The Functions app's identity (managed identity in Azure).</param>
    public KeyVaultKeyClient(HttpClient http, Uri vaultUri, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(vaultUri);
        ArgumentNullException.ThrowIfNull(credential);
        _http = http;
        _vault = vaultUri.AbsoluteUri.EndsWith('/') ? vaultUri : new Uri(vaultUri.AbsoluteUri + "/");
        _credential = credential;
    }

    /// <summary>
    /// Creates a new version of key <paramref name="name"/>: RSA-2048, operations sign/verify only, not exportable.
    /// Returns the key id (with its version) and the public key.
    /// </summary>
    public async Task<KeyVaultRsaKey> CreateRsaSigningKeyAsync(string name, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["kty"] = "RSA",
            ["key_size"] = 2048,
            ["key_ops"] = new JsonArray("sign", "verify"),
            ["attributes"] = new JsonObject { ["exportable"] = false },
        };
        var json = await SendAsync($"keys/{Uri.EscapeDataString(name)}/create", body, cancellationToken).ConfigureAwait(false);
        try
        {
            var key = json["key"]!;
            var kid = key["kid"]!.GetValue<string>();
            var n = Base64UrlDecode(key["n"]!.GetValue<string>());
            var e = Base64UrlDecode(key["e"]!.GetValue<string>());
            return new KeyVaultRsaKey(new Uri(kid), n, e);
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or FormatException or UriFormatException)
        {
            throw new KeyVaultKeyException("Key Vault create answered without a usable RSA public key.", 0, ex);
        }
    }

    /// <summary>The vault this client talks to (ending in '/').</summary>
    public Uri VaultUri => _vault;

    /// <summary>A signer for one key version (<c>{vault}/keys/{name}/{version}</c>).</summary>
    public IRemoteDigestSigner SignerFor(string name, string version) => new Signer(this, name, version);

    /// <summary>Signs a 32-byte SHA-256 digest with RS256 and returns the raw signature.</summary>
    public async Task<byte[]> SignSha256DigestAsync(string name, string version, byte[] sha256Digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sha256Digest);
        if (sha256Digest.Length != 32)
        {
            throw new ArgumentException("A SHA-256 digest is 32 bytes.", nameof(sha256Digest));
        }

        var body = new JsonObject { ["alg"] = "RS256", ["value"] = Base64UrlEncode(sha256Digest) };
        var json = await SendAsync($"keys/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(version)}/sign", body, cancellationToken).ConfigureAwait(false);
        try
        {
            return Base64UrlDecode(json["value"]!.GetValue<string>());
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new KeyVaultKeyException("Key Vault sign answered without a signature value.", 0, ex);
        }
    }

    private async Task<JsonNode> SendAsync(string relativePath, JsonObject body, CancellationToken cancellationToken)
    {
        var uri = new Uri(_vault, relativePath + "?api-version=" + ApiVersion);
        HttpResponseMessage response;
        try
        {
            var token = await _credential.GetTokenAsync(new TokenRequestContext(new[] { Scope }), cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or global::Azure.Identity.AuthenticationFailedException)
        {
            // The vault or the identity endpoint did not answer (or the token could not be had yet): retry later.
            throw new TransientStorageException(ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientStorageException(ex);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
            {
                throw new TransientStorageException($"Key Vault answered {status} to {relativePath.Split('/')[0]}/… (retry later).");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new KeyVaultKeyException($"Key Vault refused the request with {status}.", status);
            }

            try
            {
                return await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false) ?? throw new KeyVaultKeyException("Key Vault answered an empty body.", status);
            }
            catch (JsonException ex)
            {
                throw new KeyVaultKeyException("Key Vault answered a body that is not JSON.", status, ex);
            }
        }
    }

    internal static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    private sealed class Signer(KeyVaultKeyClient client, string name, string version) : IRemoteDigestSigner
    {
        public Task<byte[]> SignSha256DigestAsync(byte[] sha256Digest, CancellationToken cancellationToken) =>
            client.SignSha256DigestAsync(name, version, sha256Digest, cancellationToken);
    }
}

/// <summary>The public half of a Key Vault RSA key, and its versioned id.</summary>
/// <param name="KeyId">The key id Key Vault assigned, <c>{vault}/keys/{name}/{version}</c>.</param>
/// <param name="Modulus">n, big-endian.</param>
/// <param name="Exponent">e, big-endian.</param>
public sealed record KeyVaultRsaKey(Uri KeyId, byte[] Modulus, byte[] Exponent)
{
    /// <summary>The key version: the last segment of <see cref="KeyId"/>.</summary>
    public string Version => KeyId.Segments[^1].TrimEnd('/');

    /// <summary>The DKIM TXT <c>p=</c> value (RFC 6376 §3.6.1): SubjectPublicKeyInfo DER, base64.</summary>
    public string DkimPublicKeyBase64()
    {
        using var rsa = RSA.Create(new RSAParameters { Modulus = Modulus, Exponent = Exponent });
        return Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
    }
}
