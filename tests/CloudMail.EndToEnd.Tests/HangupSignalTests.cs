using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudMail.EndToEnd.Tests.Infrastructure;

namespace CloudMail.EndToEnd.Tests;

/// <summary>
/// SIGHUP to <c>cloudmail serve</c>, as <c>systemctl reload</c> (certbot's deploy hook after a renewal) or a closed
/// terminal sends it: the server goes on (the signal's default action ended it, exit code 129, sessions cut), and the
/// renewed certificate file is used by the next connection at once rather than after the reload interval (a minute).
/// </summary>
public sealed class HangupSignalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cloudmail-hup-").FullName;

    [Fact]
    public async Task SIGHUP_keeps_serve_running_and_reads_a_renewed_certificate_file_now()
    {
        string path = Path.Combine(_folder, "mail.pfx");
        string first = WriteCertificate(path);
        await using var cloudmail = new CloudMailProcess(extraSettings: $"--CloudMail:TlsCertificatePath={path}");
        await cloudmail.StartAsync();
        Assert.Equal(first, await PresentedThumbprintAsync(cloudmail.Imaps));
        string renewed = WriteCertificate(path);

        cloudmail.Hangup();

        string presented = first;
        for (int i = 0; i < 50 && presented == first; i++)
        {
            await Task.Delay(100);
            presented = await PresentedThumbprintAsync(cloudmail.Imaps);
        }
        Assert.Equal(renewed, presented);
        Assert.True(cloudmail.IsRunning, cloudmail.Output);
        Assert.Contains("SIGHUP: reading the TLS certificate file again", cloudmail.Output, StringComparison.Ordinal);
        using var smtp = new TcpClient();
        await smtp.ConnectAsync(IPAddress.Loopback, cloudmail.Smtp);
        Assert.StartsWith("220 ", await new StreamReader(smtp.GetStream()).ReadLineAsync());
    }

    /// <summary>Writes a new self-signed certificate for mail.example.test as PKCS#12 to <paramref name="path"/>; its thumbprint.</summary>
    private static string WriteCertificate(string path)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=mail.example.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        return certificate.Thumbprint;
    }

    private static async Task<string> PresentedThumbprintAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("mail.example.test");
        return tls.RemoteCertificate!.GetCertHashString();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
