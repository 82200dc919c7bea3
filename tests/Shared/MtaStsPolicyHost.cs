using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CloudMail.Tests.Shared;

/// <summary>
/// A real HTTPS server (Kestrel) on one loopback address, port 443, serving MTA-STS policy files (RFC 8461 §3.3) at
/// <c>https://mta-sts.DOMAIN/.well-known/mta-sts.txt</c> for the domains a test gives, with a certificate issued by a
/// test CA. Trust <see cref="CaCertificatePem"/> (e.g. <c>CloudMail:OutboundTls:ExtraTrustedRootsFile</c>) and point
/// <c>mta-sts.DOMAIN</c> at <see cref="Address"/> in the test's DNS. Needs root (port 443). Stopped on dispose.
/// </summary>
public sealed class MtaStsPolicyHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MtaStsPolicyHost(WebApplication app, string address, string caPem)
    {
        _app = app;
        Address = address;
        CaCertificatePem = caPem;
    }

    /// <summary>The loopback address it listens on (port 443).</summary>
    public string Address { get; }

    /// <summary>The test CA that issued the server's certificate, as PEM.</summary>
    public string CaCertificatePem { get; }

    /// <summary>Starts serving <paramref name="policies"/> (recipient domain → policy file text) on <paramref name="address"/>:443.</summary>
    public static async Task<MtaStsPolicyHost> StartAsync(string address, IReadOnlyDictionary<string, string> policies)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=CloudMail test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=mta-sts.test", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        foreach (string domain in policies.Keys) names.AddDnsName("mta-sts." + domain);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(leafKey);
        var serverCertificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(address), 443, l => l.UseHttps(serverCertificate)));
        var app = builder.Build();
        app.MapGet("/.well-known/mta-sts.txt", (HttpContext context) =>
        {
            string host = context.Request.Host.Host;
            return host.StartsWith("mta-sts.", StringComparison.OrdinalIgnoreCase) && policies.TryGetValue(host["mta-sts.".Length..], out var policy)
                ? Results.Text(policy, "text/plain")
                : Results.NotFound();
        });
        await app.StartAsync();
        return new MtaStsPolicyHost(app, address, ca.ExportCertificatePem());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
