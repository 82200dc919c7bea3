using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Network;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tls;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// A renewed certificate (Key Vault rewrites the mounted file) reaches new connections without a restart; a broken
/// file keeps the current certificate in service.
/// </summary>
public sealed class TlsCertificateRotationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cloudmail-tlsrot-" + Guid.NewGuid().ToString("N"));
    private readonly byte[] _first = TlsCertificateProvider.CreateSelfSigned("first.listener.test");
    private readonly byte[] _second = TlsCertificateProvider.CreateSelfSigned("second.listener.test");

    public TlsCertificateRotationTests() => System.IO.Directory.CreateDirectory(_folder);

    public void Dispose() => System.IO.Directory.Delete(_folder, recursive: true);

    private string CertificateFile => Path.Combine(_folder, "tls.pfx");

    private static string Thumbprint(byte[] pfx) => X509CertificateLoader.LoadPkcs12(pfx, null).Thumbprint;

    private (TlsCertificateProvider Provider, SteppingClock Clock) Provider()
    {
        var clock = new SteppingClock();
        var options = Options.Create(new CloudMailOptions
        {
            TlsCertificatePath = CertificateFile, DataDirectory = _folder, TlsCertificateReloadInterval = TimeSpan.FromMinutes(1),
        });
        return (new TlsCertificateProvider(options, NullLogger<TlsCertificateProvider>.Instance, clock), clock);
    }

    [Fact]
    public void A_replaced_file_is_served_after_the_reload_interval_and_not_before()
    {
        File.WriteAllBytes(CertificateFile, _first);
        (TlsCertificateProvider provider, SteppingClock clock) = Provider();
        Assert.Equal(Thumbprint(_first), provider.Certificate.Thumbprint);

        File.WriteAllText(CertificateFile, Convert.ToBase64String(_second)); // as Key Vault mounts it
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(Thumbprint(_first), provider.Certificate.Thumbprint);

        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(Thumbprint(_second), provider.Certificate.Thumbprint);
    }

    [Fact]
    public void A_file_that_no_longer_loads_keeps_the_current_certificate()
    {
        File.WriteAllBytes(CertificateFile, _first);
        (TlsCertificateProvider provider, SteppingClock clock) = Provider();
        _ = provider.Certificate;

        File.WriteAllText(CertificateFile, "half-written");
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(Thumbprint(_first), provider.Certificate.Thumbprint);

        File.Delete(CertificateFile);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(Thumbprint(_first), provider.Certificate.Thumbprint);

        File.WriteAllBytes(CertificateFile, _second);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(Thumbprint(_second), provider.Certificate.Thumbprint);
    }

    [Fact]
    public async Task A_running_server_presents_the_renewed_certificate_on_new_connections()
    {
        File.WriteAllBytes(CertificateFile, _first);
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:TlsCertificatePath"] = CertificateFile,
            ["CloudMail:TlsCertificateReloadInterval"] = "00:00:00.200",
        });
        int port = server.Port(EndpointKind.Imaps);
        Assert.Equal(Thumbprint(_first), await PresentedThumbprintAsync(port));

        File.WriteAllBytes(CertificateFile, _second);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string presented;
        do
        {
            await Task.Delay(250);
            presented = await PresentedThumbprintAsync(port);
        }
        while (presented != Thumbprint(_second) && DateTime.UtcNow < deadline);
        Assert.Equal(Thumbprint(_second), presented);
    }

    private static async Task<string> PresentedThumbprintAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("mail.example.test");
        return new X509Certificate2(tls.RemoteCertificate!).Thumbprint;
    }
}
