using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudMail.Listener.Http;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tls;
using CloudMail.SendApi;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// A certificate file that carries its issuing chain (a Key Vault or ACME PFX: server certificate, then intermediate)
/// is served whole: a client that trusts only the root and downloads nothing completes the handshake on IMAPS and on
/// the HTTPS API, which it can only do when the server sends the intermediate.
/// </summary>
public sealed class TlsCertificateChainTests : IDisposable
{
    private const string HostName = "mail.chain.test";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cloudmail-tlschain-" + Guid.NewGuid().ToString("N"));
    private readonly X509Certificate2 _root;
    private readonly X509Certificate2 _intermediate;
    private readonly X509Certificate2 _leaf;

    public TlsCertificateChainTests()
    {
        System.IO.Directory.CreateDirectory(_folder);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using var rootKey = RSA.Create(2048);
        _root = Authority("CN=CloudMail Test Root", rootKey).CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        using var intermediateKey = RSA.Create(2048);
        using (X509Certificate2 signed = Authority("CN=CloudMail Test Intermediate", intermediateKey).Create(_root, now.AddHours(-1), now.AddDays(20), [1, 2, 3]))
            _intermediate = signed.CopyWithPrivateKey(intermediateKey);
        using var leafKey = RSA.Create(2048);
        var leaf = new CertificateRequest($"CN={HostName}", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(HostName);
        names.AddIpAddress(System.Net.IPAddress.Loopback); // HttpClient checks the name in the URL
        leaf.CertificateExtensions.Add(names.Build());
        leaf.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using (X509Certificate2 signed = leaf.Create(_intermediate, now.AddHours(-1), now.AddDays(10), [4, 5, 6]))
            _leaf = signed.CopyWithPrivateKey(leafKey);
    }

    private static CertificateRequest Authority(string subject, RSA key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request;
    }

    public void Dispose()
    {
        _root.Dispose();
        _intermediate.Dispose();
        _leaf.Dispose();
        System.IO.Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The PFX as exporters write it, intermediate first: the server picks the certificate with the key.</summary>
    private string WriteChainFile()
    {
        string path = Path.Combine(_folder, "tls.pfx");
        using var intermediatePublic = X509CertificateLoader.LoadCertificate(_intermediate.RawData);
        File.WriteAllBytes(path, new X509Certificate2Collection { intermediatePublic, _leaf }.Export(X509ContentType.Pkcs12)!);
        return path;
    }

    /// <summary>Trusts <see cref="_root"/> alone, never downloads an issuer: succeeds only with the intermediate from the server.</summary>
    private SslClientAuthenticationOptions RootOnlyClient() => new()
    {
        TargetHost = HostName,
        CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            CustomTrustStore = { _root },
            DisableCertificateDownloads = true,
            RevocationMode = X509RevocationMode.NoCheck,
        },
    };

    [Fact]
    public async Task A_client_that_trusts_only_the_root_completes_the_handshake_on_imaps_and_https()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:TlsCertificatePath"] = WriteChainFile(),
            ["CloudMail:Http:Tls"] = "true",
        });

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Imaps));
            await using var tls = new SslStream(tcp.GetStream());
            await tls.AuthenticateAsClientAsync(RootOnlyClient());
            Assert.Equal(_leaf.Thumbprint, new X509Certificate2(tls.RemoteCertificate!).Thumbprint);
            using var reader = new StreamReader(tls);
            Assert.StartsWith("* OK", await reader.ReadLineAsync(), StringComparison.Ordinal);
        }

        using var handler = new SocketsHttpHandler { SslOptions = RootOnlyClient() };
        using var http = new HttpClient(handler);
        int httpPort = server.Get<HttpApiHostedService>().BoundPort!.Value;
        Assert.Equal(SendApiHttp.HealthBody, await http.GetStringAsync(new Uri($"https://127.0.0.1:{httpPort}{SendApiHttp.HealthPath}")));
    }

    [Fact]
    public async Task The_same_client_fails_against_a_server_whose_file_holds_the_server_certificate_alone()
    {
        string path = Path.Combine(_folder, "leaf-only.pfx");
        File.WriteAllBytes(path, _leaf.Export(X509ContentType.Pkcs12));
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:TlsCertificatePath"] = path });

        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Imaps));
        await using var tls = new SslStream(tcp.GetStream());
        await Assert.ThrowsAsync<AuthenticationException>(() => tls.AuthenticateAsClientAsync(RootOnlyClient()));
    }
}
