using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudMail.Tests.Shared;

/// <summary>
/// A FAKE Azure Key Vault (no Key Vault emulator exists), shared by the test projects (linked): an HTTPS Kestrel server
/// on the given loopback address (default 127.0.17.1) with a self-signed certificate, implementing only
/// <c>keys/{name}/create</c> and <c>keys/{name}/{version}/sign</c> (api-version 7.4) over one real RSA-2048 key it never
/// hands out, and rejecting requests without the expected bearer token with 401. <see cref="FailNextWith"/> makes the
/// next request answer that status; <see cref="Disabled"/> makes sign answer 403 as Key Vault does for a disabled key.
/// </summary>
internal sealed class FakeKeyVault : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly string _expectedToken;
    private string? _version;

    public int SignCalls { get; private set; }

    public int? FailNextWith { get; set; }

    /// <summary>When set, sign answers 403 (Key Vault: "Operation sign is not allowed on a disabled key").</summary>
    public bool Disabled { get; set; }

    public Uri VaultUri { get; }

    private FakeKeyVault(string expectedToken, IPAddress address)
    {
        _expectedToken = expectedToken;
        using var certKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + address, certKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(address);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, 0, o => o.UseHttps(_certificate)));
        _app = builder.Build();
        _app.MapPost("/keys/{name}/create", Create);
        _app.MapPost("/keys/{name}/{version}/sign", Sign);
        _app.StartAsync().GetAwaiter().GetResult();
        var bound = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        VaultUri = new Uri(bound + "/");
    }

    public static FakeKeyVault Start(string expectedToken, string address = "127.0.17.1") => new(expectedToken, IPAddress.Parse(address));

    /// <summary>The public key as DKIM publishes it (base64 SubjectPublicKeyInfo), for checks independent of the client.</summary>
    public string PublicKeyBase64 => Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());

    /// <summary>An HttpClient that trusts exactly this fake's certificate (and nothing else).</summary>
    public HttpClient TrustingClient()
    {
        var thumbprint = _certificate.GetCertHashString();
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == thumbprint,
        };
        return new HttpClient(handler);
    }

    private IResult? Refuse(HttpContext context)
    {
        if (FailNextWith is int status)
        {
            FailNextWith = null;
            return Results.StatusCode(status);
        }

        if (context.Request.Query["api-version"] != "7.4")
        {
            return Results.BadRequest();
        }

        return context.Request.Headers.Authorization != "Bearer " + _expectedToken ? Results.StatusCode(401) : null;
    }

    private async Task<IResult> Create(HttpContext context, string name)
    {
        if (Refuse(context) is IResult refused)
        {
            return refused;
        }

        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        if (body["kty"]?.GetValue<string>() != "RSA" || body["key_size"]?.GetValue<int>() != 2048 ||
            body["attributes"]?["exportable"]?.GetValue<bool>() != false)
        {
            return Results.BadRequest();
        }

        _version = Guid.NewGuid().ToString("N");
        var p = _key.ExportParameters(false);
        return Results.Json(new JsonObject
        {
            ["key"] = new JsonObject
            {
                ["kid"] = $"{VaultUri}keys/{name}/{_version}",
                ["kty"] = "RSA",
                ["key_ops"] = new JsonArray("sign", "verify"),
                ["n"] = B64Url(p.Modulus!),
                ["e"] = B64Url(p.Exponent!),
            },
            ["attributes"] = new JsonObject { ["enabled"] = true, ["exportable"] = false },
        });
    }

    private async Task<IResult> Sign(HttpContext context, string name, string version)
    {
        if (Refuse(context) is IResult refused)
        {
            return refused;
        }

        if (version != _version)
        {
            return Results.NotFound();
        }

        if (Disabled)
        {
            return Results.StatusCode(403);
        }

        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        var digest = FromB64Url(body["value"]!.GetValue<string>());
        if (body["alg"]?.GetValue<string>() != "RS256" || digest.Length != 32)
        {
            return Results.BadRequest();
        }

        SignCalls++;
        var signature = _key.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Results.Json(new JsonObject
        {
            ["kid"] = $"{VaultUri}keys/{name}/{version}",
            ["value"] = B64Url(signature),
        });
    }

    private static string B64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromB64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
        _key.Dispose();
    }
}
