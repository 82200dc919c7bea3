using CloudMail.Protocols.Pop3;

namespace CloudMail.Protocols.Tests.Pop3;

public sealed class Pop3CapabilitiesTests
{
    [Fact]
    public void Plaintext_connection_offers_stls_and_hides_user_and_sasl()
    {
        var caps = Pop3Capabilities.For(loginAllowed: false, stlsOffered: true);
        Assert.Contains("STLS", caps);
        Assert.DoesNotContain("USER", caps);
        Assert.DoesNotContain(caps, c => c.StartsWith("SASL", StringComparison.Ordinal));
    }

    [Fact]
    public void Tls_connection_offers_user_and_sasl_plain_and_login_but_not_stls()
    {
        var caps = Pop3Capabilities.For(loginAllowed: true, stlsOffered: false);
        Assert.Contains("USER", caps);
        Assert.Contains("SASL PLAIN LOGIN", caps);
        Assert.DoesNotContain("STLS", caps);
    }

    [Fact]
    public void Fixed_capabilities_are_always_listed()
    {
        var caps = Pop3Capabilities.For(loginAllowed: false, stlsOffered: false);
        Assert.Equal(["TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER", "IMPLEMENTATION CloudMail"], caps);
    }

    [Fact]
    public void Multi_line_text_is_stuffed_and_terminated()
    {
        Assert.Equal("+OK x\r\nTOP\r\n..hidden\r\n.\r\n", Pop3MultiLine.Format("+OK x", ["TOP", ".hidden"]));
        Assert.Equal("+OK\r\n.\r\n", Pop3MultiLine.Format("+OK", []));
    }
}
