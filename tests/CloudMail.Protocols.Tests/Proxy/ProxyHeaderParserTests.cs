using System.Buffers;
using System.Net;
using System.Text;
using CloudMail.Protocols.Proxy;
using CsCheck;

namespace CloudMail.Protocols.Tests.Proxy;

public sealed class ProxyHeaderParserTests
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] V2(byte command, byte family, byte[] body) =>
        [.. Signature, (byte)(0x20 | command), family, (byte)(body.Length >> 8), (byte)body.Length, .. body];

    private static readonly byte[] V2Tcp4 = V2(1, 0x11, [203, 0, 113, 7, 10, 0, 0, 1, 0xC3, 0x50, 0x00, 0x19]);

    [Fact]
    public void A_v1_TCP4_line_gives_the_client_address_and_port_and_its_length()
    {
        byte[] input = Ascii("PROXY TCP4 203.0.113.7 10.0.0.1 50000 25\r\nEHLO x\r\n");
        var header = Assert.IsType<ProxyHeaderResult.Header>(ProxyHeaderParser.Parse(input));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 50000), header.Source);
        Assert.Equal("PROXY TCP4 203.0.113.7 10.0.0.1 50000 25\r\n".Length, header.Length);
    }

    [Fact]
    public void A_v1_TCP6_line_gives_an_IPv6_client() =>
        Assert.Equal(IPAddress.Parse("2001:db8::1"), Assert.IsType<ProxyHeaderResult.Header>(
            ProxyHeaderParser.Parse(Ascii("PROXY TCP6 2001:db8::1 2001:db8::2 4000 25\r\n"))).Source!.Address);

    [Fact]
    public void V1_UNKNOWN_carries_no_address() =>
        Assert.Null(Assert.IsType<ProxyHeaderResult.Header>(ProxyHeaderParser.Parse(Ascii("PROXY UNKNOWN\r\n"))).Source);

    [Theory]
    [InlineData("EHLO client.example\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.1 50000\r\n")]
    [InlineData("PROXY TCP4 2001:db8::1 10.0.0.1 50000 25\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.1 70000 25\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.1 050 25\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 10.0.0.1 50000 25\n")]
    [InlineData("GET / HTTP/1.1\r\n")]
    public void Anything_else_is_invalid(string line) =>
        Assert.IsType<ProxyHeaderResult.Invalid>(ProxyHeaderParser.Parse(Ascii(line)));

    [Fact]
    public void A_v1_line_without_its_end_within_107_octets_is_invalid() =>
        Assert.IsType<ProxyHeaderResult.Invalid>(ProxyHeaderParser.Parse(Ascii("PROXY TCP4 " + new string('1', 120))));

    [Fact]
    public void A_v2_TCP4_header_gives_the_client_address()
    {
        var header = Assert.IsType<ProxyHeaderResult.Header>(ProxyHeaderParser.Parse([.. V2Tcp4, .. Ascii("EHLO")]));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 50000), header.Source);
        Assert.Equal(V2Tcp4.Length, header.Length);
    }

    [Fact]
    public void A_v2_TCP6_header_with_TLVs_gives_the_client_address_and_skips_the_TLVs()
    {
        byte[] address = [.. IPAddress.Parse("2001:db8::7").GetAddressBytes(), .. IPAddress.Parse("2001:db8::1").GetAddressBytes(), 0x10, 0x00, 0x00, 0x19];
        byte[] input = V2(1, 0x21, [.. address, 0x04, 0x00, 0x02, 0xAB, 0xCD]);
        var header = Assert.IsType<ProxyHeaderResult.Header>(ProxyHeaderParser.Parse(input));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 4096), header.Source);
        Assert.Equal(input.Length, header.Length);
    }

    [Fact]
    public void V2_LOCAL_carries_no_address() =>
        Assert.Null(Assert.IsType<ProxyHeaderResult.Header>(ProxyHeaderParser.Parse(V2(0, 0x00, []))).Source);

    [Fact]
    public void V2_with_a_wrong_version_or_short_address_block_is_invalid()
    {
        byte[] wrongVersion = [.. V2Tcp4];
        wrongVersion[12] = 0x11;
        Assert.IsType<ProxyHeaderResult.Invalid>(ProxyHeaderParser.Parse(wrongVersion));
        Assert.IsType<ProxyHeaderResult.Invalid>(ProxyHeaderParser.Parse(V2(1, 0x11, [1, 2, 3, 4])));
    }

    [Fact]
    public void Every_proper_prefix_of_a_header_asks_for_more_data()
    {
        foreach (byte[] header in new[] { Ascii("PROXY TCP4 203.0.113.7 10.0.0.1 50000 25\r\n"), V2Tcp4 })
            for (int n = 0; n < header.Length; n++)
                Assert.IsType<ProxyHeaderResult.NeedMoreData>(ProxyHeaderParser.Parse(header.AsSpan(0, n)));
    }

    [Fact]
    public void Arbitrary_input_never_throws_and_a_header_never_claims_more_than_it_was_given() =>
        Gen.Byte.Array[0, 200].Select(Gen.Int[0, 3]).Sample((body, which) =>
        {
            byte[] prefix = which switch { 0 => [], 1 => Ascii("PROXY "), 2 => Signature, _ => [.. Signature, 0x21, 0x11] };
            byte[] input = [.. prefix, .. body];
            var result = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(input));
            return result is not ProxyHeaderResult.Header h || h.Length <= input.Length;
        });
}
