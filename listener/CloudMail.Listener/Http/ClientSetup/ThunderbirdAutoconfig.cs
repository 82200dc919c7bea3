using System.Xml.Linq;
using CloudMail.Core.DnsSetup;

namespace CloudMail.Listener.Http.ClientSetup;

/// <summary>
/// The Thunderbird autoconfiguration document (clientConfig version 1.1, as Thunderbird's autoconfig reads it from
/// <c>autoconfig.DOMAIN/mail/config-v1.1.xml</c> and <c>DOMAIN/.well-known/autoconfig/mail/config-v1.1.xml</c>): IMAP and
/// POP3 with implicit TLS first then STARTTLS, SMTP submission on 465 then 587, the full address as user name, password
/// authentication (only ever over TLS: CloudMail refuses passwords in plaintext).
/// </summary>
public static class ThunderbirdAutoconfig
{
    public const string ContentType = "application/xml";

    public static string Document(string domain, string host, MailServicePorts ports)
    {
        var provider = new XElement("emailProvider", new XAttribute("id", domain),
            new XElement("domain", domain),
            new XElement("displayName", $"{domain} mail"),
            new XElement("displayShortName", domain),
            Server("incomingServer", "imap", host, ports.Imaps, "SSL"),
            Server("incomingServer", "imap", host, ports.Imap, "STARTTLS"),
            Server("incomingServer", "pop3", host, ports.Pop3s, "SSL"),
            Server("incomingServer", "pop3", host, ports.Pop3, "STARTTLS"),
            Server("outgoingServer", "smtp", host, ports.Submissions, "SSL"),
            Server("outgoingServer", "smtp", host, ports.Submission, "STARTTLS"));
        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null), new XElement("clientConfig", new XAttribute("version", "1.1"), provider));
        return document.Declaration + "\n" + document.Root;
    }

    private static XElement Server(string element, string type, string host, int port, string socketType) =>
        new(element, new XAttribute("type", type),
            new XElement("hostname", host),
            new XElement("port", port),
            new XElement("socketType", socketType),
            new XElement("username", "%EMAILADDRESS%"),
            new XElement("authentication", "password-cleartext"));
}
