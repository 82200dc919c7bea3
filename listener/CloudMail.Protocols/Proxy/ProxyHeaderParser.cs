using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace CloudMail.Protocols.Proxy;

/// <summary>What the start of a connection said about the client behind a proxy.</summary>
public abstract record ProxyHeaderResult
{
    private ProxyHeaderResult() { }

    /// <summary>Not enough bytes yet to decide; read more (the caller bounds how long and how much).</summary>
    public sealed record NeedMoreData : ProxyHeaderResult;

    /// <summary>
    /// A complete header of <paramref name="Length"/> octets: the client's address and port, or null when the proxy
    /// sent <c>UNKNOWN</c> (v1) or <c>LOCAL</c>/an unspecified family (v2) — a health check or a proxy's own connection.
    /// </summary>
    public sealed record Header(IPEndPoint? Source, int Length) : ProxyHeaderResult;

    /// <summary>Not a PROXY header, or a malformed one: the connection must be closed (the spec allows no recovery).</summary>
    public sealed record Invalid(string Reason) : ProxyHeaderResult;

    public static readonly ProxyHeaderResult More = new NeedMoreData();
}

/// <summary>
/// The PROXY protocol header a TCP proxy puts before the client's bytes (HAProxy's "PROXY protocol" specification,
/// versions 1 and 2). Pure and incremental: give it what has arrived; it never throws on input. Version 1 is one text
/// line of at most 107 octets (§2.1); version 2 starts with a 12-octet signature, then version/command, family and a
/// 16-bit length (§2.2). TLVs in v2 are skipped. Only TCP over IPv4/IPv6 carries an address.
/// </summary>
public static class ProxyHeaderParser
{
    /// <summary>Longest v1 header, CRLF included (§2.1).</summary>
    public const int MaxV1Length = 107;

    /// <summary>Longest v2 header CloudMail accepts: the fixed 16 octets and a body with addresses and some TLVs.</summary>
    public const int MaxV2Length = 16 + 512;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>Parses the header at the start of <paramref name="input"/>.</summary>
    public static ProxyHeaderResult Parse(ReadOnlySequence<byte> input)
    {
        int available = (int)Math.Min(input.Length, MaxV2Length);
        Span<byte> head = stackalloc byte[available];
        input.Slice(0, available).CopyTo(head);
        return Parse(head);
    }

    /// <summary>Parses the header at the start of <paramref name="input"/>.</summary>
    public static ProxyHeaderResult Parse(ReadOnlySpan<byte> input)
    {
        if (input.Length == 0) return ProxyHeaderResult.More;
        if (input[0] == V2Signature[0] && input.Length < V2Signature.Length && V2Signature.StartsWith(input)) return ProxyHeaderResult.More;
        if (input.StartsWith(V2Signature)) return ParseV2(input);
        if (input.Length < V1Prefix.Length) return V1Prefix.StartsWith(input) ? ProxyHeaderResult.More : new ProxyHeaderResult.Invalid("not a PROXY header");
        if (input.StartsWith(V1Prefix)) return ParseV1(input);
        return new ProxyHeaderResult.Invalid("not a PROXY header");
    }

    private static ProxyHeaderResult ParseV1(ReadOnlySpan<byte> input)
    {
        int lf = input[..Math.Min(input.Length, MaxV1Length)].IndexOf((byte)'\n');
        if (lf < 0) return input.Length >= MaxV1Length ? new ProxyHeaderResult.Invalid("PROXY v1 line longer than 107 octets") : ProxyHeaderResult.More;
        if (lf == 0 || input[lf - 1] != '\r') return new ProxyHeaderResult.Invalid("PROXY v1 line not ended by CRLF");
        foreach (byte b in input[..(lf - 1)])
            if (b is < 0x20 or > 0x7E) return new ProxyHeaderResult.Invalid("PROXY v1 line with a non-printable octet");
        string[] parts = Encoding.ASCII.GetString(input[..(lf - 1)]).Split(' ');
        int length = lf + 1;
        if (parts.Length >= 2 && parts[1] == "UNKNOWN") return new ProxyHeaderResult.Header(null, length);
        if (parts.Length != 6 || parts[1] is not ("TCP4" or "TCP6")) return new ProxyHeaderResult.Invalid("PROXY v1 line is not TCP4/TCP6 with two addresses and two ports");
        var family = parts[1] == "TCP4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (!IPAddress.TryParse(parts[2], out var source) || source.AddressFamily != family
            || !IPAddress.TryParse(parts[3], out var destination) || destination.AddressFamily != family
            || !TryPort(parts[4], out int sourcePort) || !TryPort(parts[5], out _))
        {
            return new ProxyHeaderResult.Invalid("PROXY v1 addresses or ports malformed");
        }
        return new ProxyHeaderResult.Header(new IPEndPoint(source, sourcePort), length);
    }

    private static ProxyHeaderResult ParseV2(ReadOnlySpan<byte> input)
    {
        if (input.Length < 16) return ProxyHeaderResult.More;
        byte versionCommand = input[12];
        if (versionCommand >> 4 != 2) return new ProxyHeaderResult.Invalid("PROXY v2 version is not 2");
        int command = versionCommand & 0x0F;
        if (command > 1) return new ProxyHeaderResult.Invalid("PROXY v2 command is neither LOCAL nor PROXY");
        int bodyLength = BinaryPrimitives.ReadUInt16BigEndian(input[14..16]);
        int length = 16 + bodyLength;
        if (length > MaxV2Length) return new ProxyHeaderResult.Invalid("PROXY v2 header too long");
        if (input.Length < length) return ProxyHeaderResult.More;
        if (command == 0) return new ProxyHeaderResult.Header(null, length); // LOCAL: the proxy's own connection
        ReadOnlySpan<byte> body = input[16..length];
        byte familyProtocol = input[13];
        switch (familyProtocol)
        {
            case 0x11 when body.Length >= 12: // TCP over IPv4: src addr, dst addr, src port, dst port
                return new ProxyHeaderResult.Header(new IPEndPoint(new IPAddress(body[..4]), BinaryPrimitives.ReadUInt16BigEndian(body[8..10])), length);
            case 0x21 when body.Length >= 36: // TCP over IPv6
                return new ProxyHeaderResult.Header(new IPEndPoint(new IPAddress(body[..16]), BinaryPrimitives.ReadUInt16BigEndian(body[32..34])), length);
            case 0x11 or 0x21:
                return new ProxyHeaderResult.Invalid("PROXY v2 address block too short");
            default:
                return new ProxyHeaderResult.Header(null, length); // UNSPEC or not TCP: no usable client address
        }
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535
        && (text.Length == 1 || text[0] != '0');
}
