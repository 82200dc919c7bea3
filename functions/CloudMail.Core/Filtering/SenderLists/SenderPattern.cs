using System.Net;
using System.Net.Sockets;
using CloudMail.Core.Messages;
using CloudMail.Core.Net;

namespace CloudMail.Core.Filtering.SenderLists;

/// <summary>The three shapes of a sender pattern.</summary>
public enum SenderPatternType
{
    /// <summary><c>bob@example.org</c>: that envelope sender exactly (case-insensitive).</summary>
    Address,

    /// <summary><c>example.org</c> (or <c>@example.org</c>): envelope senders of that domain and of its subdomains.</summary>
    Domain,

    /// <summary><c>192.0.2.7</c>, <c>192.0.2.0/24</c>, <c>2001:db8::/32</c>: the connecting client's address.</summary>
    Network,
}

/// <summary>
/// One parsed sender-list pattern in its canonical text (<see cref="Text"/>: lower-cased address or domain, or a network
/// in CIDR form with host bits cleared). Pure: <see cref="TryParse"/> never throws on input; <see cref="Matches"/> never
/// throws. The envelope sender is what is matched (the header From is the sender's to write); the null sender (bounces)
/// matches only network patterns.
/// </summary>
public sealed record SenderPattern(SenderPatternType Type, string Text)
{
    private const int MaxLength = 320; // RFC 5321 §4.5.3.1: 64 + 1 + 255, with room

    /// <summary>
    /// How specific the pattern is, to choose between several matches of one scope: an address beats any network, a
    /// longer network prefix beats a shorter one, any network beats a domain, and a domain with more labels beats one
    /// with fewer.
    /// </summary>
    public int Specificity => Type switch
    {
        SenderPatternType.Address => 1000,
        SenderPatternType.Network => 500 + PrefixLength(),
        _ => Text.Count(c => c == '.') + 1,
    };

    /// <summary>Parses <paramref name="input"/>; false with a one-line <paramref name="error"/> for anything else.</summary>
    public static bool TryParse(string? input, out SenderPattern pattern, out string error)
    {
        pattern = null!;
        error = "";
        string text = (input ?? "").Trim();
        if (text.Length is 0 or > MaxLength || text.Any(c => c <= ' ' || c == 0x7F))
        {
            error = "a pattern is an address, a domain or an IP network, without spaces";
            return false;
        }
        if (text.Contains('/') || IPAddress.TryParse(text, out _))
        {
            if (!IPNetwork.TryParse(text.Contains('/') ? text : text + (text.Contains(':') ? "/128" : "/32"), out IPNetwork network))
            {
                error = $"'{text}' is not an IP address or a network in CIDR form";
                return false;
            }
            pattern = new SenderPattern(SenderPatternType.Network, Canonical(network).ToString());
            return true;
        }
        int at = text.LastIndexOf('@');
        if (at > 0)
        {
            string domain = MailAddresses.AsciiDomain(text[(at + 1)..]);
            if (!IsDomain(domain) || text[..at].Contains('@'))
            {
                error = $"'{text}' is not an address";
                return false;
            }
            pattern = new SenderPattern(SenderPatternType.Address, MailAddresses.Normalize(text));
            return true;
        }
        string name = MailAddresses.AsciiDomain((at == 0 ? text[1..] : text).TrimEnd('.'));
        if (!IsDomain(name))
        {
            error = $"'{text}' is not a domain";
            return false;
        }
        pattern = new SenderPattern(SenderPatternType.Domain, name);
        return true;
    }

    /// <summary>True when mail with envelope sender <paramref name="mailFrom"/> (empty: null sender) from <paramref name="client"/> matches.</summary>
    public bool Matches(string mailFrom, IPAddress? client)
    {
        switch (Type)
        {
            case SenderPatternType.Network:
                if (client is null) return false;
                client = client.Unmapped();
                return IPNetwork.TryParse(Text, out IPNetwork network) && network.Contains(client);
            case SenderPatternType.Address:
                return mailFrom.Length > 0 && string.Equals(MailAddresses.Normalize(mailFrom), Text, StringComparison.Ordinal);
            default:
                string domain = MailAddresses.DomainOf(mailFrom).TrimEnd('.');
                return domain.Length > 0 && (domain.Equals(Text, StringComparison.OrdinalIgnoreCase)
                    || domain.EndsWith("." + Text, StringComparison.OrdinalIgnoreCase));
        }
    }

    public override string ToString() => Text;

    private int PrefixLength() => IPNetwork.TryParse(Text, out IPNetwork network) ? network.PrefixLength : 0;

    /// <summary>Host bits cleared, IPv4-mapped IPv6 written as IPv4.</summary>
    private static IPNetwork Canonical(IPNetwork network)
    {
        IPAddress start = network.BaseAddress;
        int prefix = network.PrefixLength;
        if (start.IsIPv4MappedToIPv6 && prefix >= 96)
        {
            start = start.MapToIPv4();
            prefix -= 96;
        }
        Span<byte> bytes = stackalloc byte[16];
        start.TryWriteBytes(bytes, out int length);
        for (int bit = prefix; bit < length * 8; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPNetwork(new IPAddress(bytes[..length]), prefix);
    }

    /// <summary>LDH labels of 1–63 characters, at least two of them, 253 characters at most (RFC 1035 §2.3.4).</summary>
    private static bool IsDomain(string name)
    {
        if (name.Length is 0 or > 253) return false;
        string[] labels = name.Split('.');
        return labels.Length >= 2 && labels.All(l => l.Length is >= 1 and <= 63 && l[0] != '-' && l[^1] != '-'
            && l.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }
}
