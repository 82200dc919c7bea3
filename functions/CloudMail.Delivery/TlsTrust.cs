using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace CloudMail.Delivery;

/// <summary>
/// Certificate verification for outbound TLS that must be authenticated: the system's roots plus
/// <see cref="OutboundTlsOptions.ExtraTrustedRootsFile"/>. The host name must always match; only an unknown root may be
/// made good by an extra root.
/// </summary>
public sealed class TlsTrust
{
    private readonly X509Certificate2Collection _extraRoots = [];

    public TlsTrust(IOptions<OutboundTlsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Value.ExtraTrustedRootsFile is { Length: > 0 } file) _extraRoots.ImportFromPemFile(file);
    }

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/>: true when the certificate is valid for the host.</summary>
    public bool Verify(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || _extraRoots.Count == 0) return false;
        using var leaf = new X509Certificate2(certificate);
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
            foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        return custom.Build(leaf);
    }
}
