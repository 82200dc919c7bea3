using CloudMail.Core.Dkim;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace CloudMail.Core.Tests.Dkim;

/// <summary>Public keys as DNS would return them: each key's TXT text, read by MimeKit's own record parser.</summary>
internal sealed class PublishedKeys(DkimKey[] keys) : DkimPublicKeyLocatorBase
{
    public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        GetPublicKey(DkimDnsRecord.Text(keys.Single(k => k.Domain == domain && k.Selector == selector)));

    public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
        Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
}
