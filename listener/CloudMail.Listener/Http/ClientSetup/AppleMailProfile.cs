using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using CloudMail.Core.DnsSetup;

namespace CloudMail.Listener.Http.ClientSetup;

/// <summary>
/// An Apple configuration profile (<c>.mobileconfig</c>, a property list of PayloadType <c>Configuration</c>) with one
/// <c>com.apple.mail.managed</c> payload for one account, as iOS and macOS Mail install it: IMAP on the implicit-TLS port,
/// SMTP submission on 465 with implicit TLS, the address as user name for both, password authentication. The password
/// is not in the profile (the device asks for it). UUIDs are derived from the address, so downloading the profile again
/// replaces the installed one rather than adding a second account. Pure.
/// </summary>
public static class AppleMailProfile
{
    public const string ContentType = "application/x-apple-aspen-config";

    public static string Document(string address, string host, MailServicePorts ports)
    {
        string domain = address[(address.LastIndexOf('@') + 1)..];
        string reverse = string.Join('.', host.Split('.').Reverse());
        var mail = Dict(
            ("EmailAccountDescription", Str(address)),
            ("EmailAccountName", Str(address)),
            ("EmailAccountType", Str("EmailTypeIMAP")),
            ("EmailAddress", Str(address)),
            ("IncomingMailServerAuthentication", Str("EmailAuthPassword")),
            ("IncomingMailServerHostName", Str(host)),
            ("IncomingMailServerPortNumber", Int(ports.Imaps)),
            ("IncomingMailServerUseSSL", Bool(true)),
            ("IncomingMailServerUsername", Str(address)),
            ("OutgoingMailServerAuthentication", Str("EmailAuthPassword")),
            ("OutgoingMailServerHostName", Str(host)),
            ("OutgoingMailServerPortNumber", Int(ports.Submissions)),
            ("OutgoingMailServerUseSSL", Bool(true)),
            ("OutgoingMailServerUsername", Str(address)),
            ("OutgoingPasswordSameAsIncomingPassword", Bool(true)),
            ("PayloadDisplayName", Str($"{address} (mail)")),
            ("PayloadIdentifier", Str($"{reverse}.cloudmail.mail.{Id(address, "mail")}")),
            ("PayloadType", Str("com.apple.mail.managed")),
            ("PayloadUUID", Str(Uuid(address, "mail"))),
            ("PayloadVersion", Int(1)));
        var profile = Dict(
            ("PayloadContent", new XElement("array", mail)),
            ("PayloadDescription", Str($"Mail settings for {address}")),
            ("PayloadDisplayName", Str($"{domain} mail")),
            ("PayloadIdentifier", Str($"{reverse}.cloudmail.{Id(address, "profile")}")),
            ("PayloadRemovalDisallowed", Bool(false)),
            ("PayloadType", Str("Configuration")),
            ("PayloadUUID", Str(Uuid(address, "profile"))),
            ("PayloadVersion", Int(1)));
        var plist = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XDocumentType("plist", "-//Apple//DTD PLIST 1.0//EN", "http://www.apple.com/DTDs/PropertyList-1.0.dtd", null),
            new XElement("plist", new XAttribute("version", "1.0"), profile));
        return plist.Declaration + "\n" + plist.DocumentType + "\n" + plist.Root;
    }

    private static XElement Dict(params (string Key, XElement Value)[] entries) =>
        new("dict", entries.SelectMany(e => new[] { new XElement("key", e.Key), e.Value }));

    private static XElement Str(string value) => new("string", value);

    private static XElement Int(int value) => new("integer", value);

    private static XElement Bool(bool value) => new(value ? "true" : "false");

    /// <summary>A stable UUID (upper-case, as Apple writes them) from the address and the payload's role.</summary>
    private static string Uuid(string address, string role)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(role + "\n" + address.ToLowerInvariant()));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5 layout (name-based)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D").ToUpperInvariant();
    }

    private static string Id(string address, string role) => Uuid(address, role)[..8].ToLowerInvariant();
}
