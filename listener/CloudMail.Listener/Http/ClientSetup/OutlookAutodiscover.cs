using System.Xml;
using System.Xml.Linq;
using CloudMail.Core.DnsSetup;

namespace CloudMail.Listener.Http.ClientSetup;

/// <summary>
/// Outlook's "POX" autodiscover (MS-OXDSCLI): the client POSTs <c>&lt;Autodiscover&gt;&lt;Request&gt;&lt;EMailAddress&gt;</c>
/// to <c>https://autodiscover.DOMAIN/autodiscover/autodiscover.xml</c> and gets the IMAP and SMTP settings (implicit TLS,
/// the address as login name). Parsing is pure and never throws: anything but a well-formed request yields null.
/// </summary>
public static class OutlookAutodiscover
{
    public const string ContentType = "application/xml";

    /// <summary>Requests larger than this are not read (a real one is a few hundred bytes).</summary>
    public const int MaxRequestBytes = 16 * 1024;

    private const string ResponseNamespace = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    private const string OutlookNamespace = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    /// <summary>The EMailAddress of a request document, or null when the document is not one (no DTDs, no entities).</summary>
    public static string? EmailAddressOf(byte[] request)
    {
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxRequestBytes };
            using var reader = XmlReader.Create(new MemoryStream(request), settings);
            var document = XDocument.Load(reader);
            string? address = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "EMailAddress")?.Value.Trim();
            return string.IsNullOrEmpty(address) ? null : address;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>The response for <paramref name="address"/>.</summary>
    public static string Response(string address, string host, MailServicePorts ports)
    {
        XNamespace r = ResponseNamespace, o = OutlookNamespace;
        var account = new XElement(o + "Account",
            new XElement(o + "AccountType", "email"),
            new XElement(o + "Action", "settings"),
            Protocol(o, "IMAP", host, ports.Imaps, address),
            Protocol(o, "SMTP", host, ports.Submissions, address));
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(r + "Autodiscover", new XElement(o + "Response", account)));
        return document.Declaration + "\n" + document.Root;
    }

    private static XElement Protocol(XNamespace o, string type, string host, int port, string address) =>
        new(o + "Protocol",
            new XElement(o + "Type", type),
            new XElement(o + "Server", host),
            new XElement(o + "Port", port),
            new XElement(o + "LoginName", address),
            new XElement(o + "DomainRequired", "off"),
            new XElement(o + "SPA", "off"),
            new XElement(o + "SSL", "on"),
            new XElement(o + "AuthRequired", "on"));
}
