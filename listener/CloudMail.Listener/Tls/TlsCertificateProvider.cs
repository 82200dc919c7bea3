using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudMail.Listener.Configuration;
using CloudMail.Storage.Embedded.Files;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Tls;

/// <summary>
/// Supplies the server certificate. Loads <see cref="CloudMailOptions.TlsCertificatePath"/> when set — a PKCS#12 file,
/// either binary or as its base64 text (what a Key Vault certificate becomes when mounted as a Container Apps secret);
/// otherwise creates (once) a self-signed development certificate at DataDirectory/tls/dev-cert.pfx
/// (owner-only, 0600, in a 0700 folder: <see cref="DataFolder"/>) for the host name, localhost, 127.0.0.1 and ::1, valid two years. Throws at start-up when a
/// configured certificate cannot be read: running without TLS is not an option. A configured file is looked at again
/// every <see cref="CloudMailOptions.TlsCertificateReloadInterval"/> (by the first caller after the interval; the others
/// keep getting the current certificate meanwhile): when its content changed and loads, new connections get the new
/// certificate (certificate rotation without a restart); when it does not load, the current one stays and an error is logged.
/// <para>
/// A PKCS#12 file may carry the issuing chain after the server certificate (Key Vault and ACME clients export it so):
/// the certificate with the private key is the server's, the others are sent with it in every handshake
/// (<see cref="Context"/>, built once per loaded file, so no handshake builds a chain of its own).
/// </para>
/// </summary>
public sealed partial class TlsCertificateProvider(IOptions<CloudMailOptions> options, ILogger<TlsCertificateProvider> logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _initLock = new();
    private Loaded? _current;
    private int _checking;

    /// <summary>The server certificate (with its private key) for a new connection.</summary>
    public X509Certificate2 Certificate => Current.Credentials.Certificate;

    /// <summary>The server certificate and the chain a new connection's handshake sends (see the class remarks).</summary>
    public SslStreamCertificateContext Context => Current.Credentials.Context;

    private Loaded Current
    {
        get
        {
            Loaded current = Volatile.Read(ref _current) ?? Initialize();
            if (current.FileHash is not null && _time.GetUtcNow() >= current.NextCheck && Interlocked.Exchange(ref _checking, 1) == 0)
            {
                try { current = Reload(current); }
                finally { Volatile.Write(ref _checking, 0); }
            }
            return current;
        }
    }

    /// <summary>
    /// Looks at the configured certificate file again now, whatever <see cref="CloudMailOptions.TlsCertificateReloadInterval"/>
    /// says (SIGHUP, <see cref="Hosting.HangupSignalService"/>): a changed file that loads is used by the next connection.
    /// Nothing for the development certificate, or while another caller is checking already.
    /// </summary>
    public void CheckNow()
    {
        if (Volatile.Read(ref _current) is not { FileHash: not null } current || Interlocked.Exchange(ref _checking, 1) != 0) return;
        try { Reload(current); }
        finally { Volatile.Write(ref _checking, 0); }
    }

    /// <summary>Loaded credentials, the SHA-256 of the file they came from (null for the development certificate) and when to look again.</summary>
    private sealed record Loaded(ServerCredentials Credentials, byte[]? FileHash, DateTimeOffset NextCheck);

    /// <summary>The server certificate and its handshake context (the certificate and the chain to send).</summary>
    private sealed record ServerCredentials(X509Certificate2 Certificate, SslStreamCertificateContext Context)
    {
        /// <summary>The certificate with a private key; every other certificate of <paramref name="all"/> is its chain.</summary>
        public static ServerCredentials From(X509Certificate2Collection all)
        {
            X509Certificate2 leaf = all.FirstOrDefault(c => c.HasPrivateKey)
                ?? throw new CryptographicException("The TLS certificate file holds no certificate with a private key.");
            var chain = new X509Certificate2Collection(all.Where(c => !ReferenceEquals(c, leaf)).ToArray());
            // offline: the chain is what the file holds (plus the system store); no handshake waits for a download.
            return new ServerCredentials(leaf, SslStreamCertificateContext.Create(leaf, chain, offline: true));
        }

        public static ServerCredentials From(X509Certificate2 certificate) => From(new X509Certificate2Collection(certificate));
    }

    private Loaded Initialize()
    {
        lock (_initLock)
        {
            if (_current is { } loaded) return loaded;
            CloudMailOptions o = options.Value;
            Loaded first;
            if (string.IsNullOrWhiteSpace(o.TlsCertificatePath))
            {
                first = new Loaded(ServerCredentials.From(LoadDevelopmentCertificate(o, logger)), null, DateTimeOffset.MaxValue);
            }
            else
            {
                byte[] content = File.ReadAllBytes(o.TlsCertificatePath);
                first = new Loaded(LoadFile(content, o), SHA256.HashData(content), _time.GetUtcNow() + o.TlsCertificateReloadInterval);
            }
            Volatile.Write(ref _current, first);
            return first;
        }
    }

    private Loaded Reload(Loaded current)
    {
        CloudMailOptions o = options.Value;
        var next = current with { NextCheck = _time.GetUtcNow() + o.TlsCertificateReloadInterval };
        try
        {
            byte[] content = File.ReadAllBytes(o.TlsCertificatePath!);
            byte[] hash = SHA256.HashData(content);
            if (!hash.AsSpan().SequenceEqual(current.FileHash))
            {
                ServerCredentials credentials = LoadFile(content, o);
                next = new Loaded(credentials, hash, next.NextCheck);
                X509Certificate2 certificate = credentials.Certificate;
                LogReloaded(certificate.Subject, certificate.Thumbprint, certificate.NotAfter);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            LogReloadFailed(e.GetType().Name, current.Credentials.Certificate.Thumbprint);
        }
        Volatile.Write(ref _current, next);
        return next;
    }

    private static ServerCredentials LoadFile(byte[] content, CloudMailOptions o) =>
        ServerCredentials.From(X509CertificateLoader.LoadPkcs12Collection(Pkcs12Bytes(content), o.TlsCertificatePassword));

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS certificate reloaded: {Subject} ({Thumbprint}), valid until {NotAfter}")]
    private partial void LogReloaded(string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Error, Message = "TLS certificate file changed but could not be loaded ({ErrorType}); still using {Thumbprint}")]
    private partial void LogReloadFailed(string errorType, string thumbprint);

    private static X509Certificate2 LoadDevelopmentCertificate(CloudMailOptions o, ILogger logger)
    {

        string path = Path.Combine(o.DataDirectory, "tls", "dev-cert.pfx");
        if (File.Exists(path)) return X509CertificateLoader.LoadPkcs12FromFile(path, null);

        DataFolder.Prepare(o.DataDirectory);
        DataFolder.CreateFolder(Path.GetDirectoryName(path)!);
        byte[] pfx = CreateSelfSigned(o.HostName);
        DataFolder.WriteFile(path, pfx);
        logger.LogWarning("Created a self-signed development TLS certificate at {Path}; configure CloudMail:TlsCertificatePath for production", path);
        return X509CertificateLoader.LoadPkcs12(pfx, null);
    }

    /// <summary>
    /// The PKCS#12 bytes of a certificate file's content: binary PKCS#12 as it is (DER, so it starts with a SEQUENCE
    /// tag, 0x30), or base64 text (whitespace and line breaks allowed) decoded. Anything else is returned unchanged, for
    /// the loader to reject with its own error.
    /// </summary>
    public static byte[] Pkcs12Bytes(byte[] content)
    {
        if (content.Length == 0 || content[0] == 0x30) return content;
        string text = System.Text.Encoding.ASCII.GetString(content).Trim();
        byte[] decoded = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text, decoded, out int written) ? decoded[..written] : content;
    }

    /// <summary>A self-signed RSA-2048 server certificate as PKCS#12 bytes without a password.</summary>
    public static byte[] CreateSelfSigned(string hostName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostName);
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        return cert.Export(X509ContentType.Pfx);
    }
}
