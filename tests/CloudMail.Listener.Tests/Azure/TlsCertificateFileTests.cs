using System.Security.Cryptography.X509Certificates;
using CloudMail.Listener.Configuration;
using CloudMail.Listener.Tls;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// The TLS certificate file in Azure is the base64 text of a PFX (a Key Vault certificate mounted as a Container Apps
/// secret); on a server it is usually the binary PFX. Both load.
/// </summary>
public sealed class TlsCertificateFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cloudmail-tls-" + Guid.NewGuid().ToString("N"));
    private readonly byte[] _pfx = TlsCertificateProvider.CreateSelfSigned("mx.listener.test");

    public TlsCertificateFileTests() => System.IO.Directory.CreateDirectory(_folder);

    public void Dispose() => System.IO.Directory.Delete(_folder, recursive: true);

    private X509Certificate2 Load(string fileName, byte[] content)
    {
        string path = Path.Combine(_folder, fileName);
        File.WriteAllBytes(path, content);
        var options = Options.Create(new CloudMailOptions { TlsCertificatePath = path, DataDirectory = _folder });
        return new TlsCertificateProvider(options, NullLogger<TlsCertificateProvider>.Instance).Certificate;
    }

    private string Thumbprint => X509CertificateLoader.LoadPkcs12(_pfx, null).Thumbprint;

    [Fact]
    public void A_binary_pfx_file_loads() => Assert.Equal(Thumbprint, Load("binary.pfx", _pfx).Thumbprint);

    [Fact]
    public void The_base64_text_of_a_pfx_loads_as_key_vault_mounts_it()
    {
        var certificate = Load("tls.pfx", System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(_pfx)));

        Assert.Equal(Thumbprint, certificate.Thumbprint);
        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public void Base64_text_with_line_breaks_and_a_trailing_newline_loads() =>
        Assert.Equal(Thumbprint, Load("wrapped.pfx", System.Text.Encoding.ASCII.GetBytes(
            Convert.ToBase64String(_pfx, Base64FormattingOptions.InsertLineBreaks) + "\n")).Thumbprint);

    [Fact]
    public void A_file_that_is_neither_fails_at_start() =>
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => Load("junk.pfx", "not a certificate!"u8.ToArray()));
}
