using System.Text;
using CloudMail.Core.Messages;
using CloudMail.Filtering.Spam;
using MimeKit;

namespace CloudMail.Filtering.Tests.Spam;

public sealed class ReceivedRulesTests
{
    private static readonly Envelope Session = new("a@remote.test", ["bob@example.test"], null, "203.0.113.9", "mta.remote.test", DateTimeOffset.UtcNow);

    private const string Ours = "Received: from mta.remote.test ([203.0.113.9])\r\n\tby mx.example.test with ESMTP id ABC\r\n\tfor <bob@example.test>; Fri, 4 Dec 2026 10:00:01 +0000\r\n";

    private static string[] Rules(string headers, Envelope? envelope = null) =>
        [.. ReceivedRules.Evaluate(MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(headers + "From: a@remote.test\r\nSubject: x\r\n\r\nbody\r\n"))),
            envelope ?? Session).Select(h => h.Rule)];

    [Fact]
    public void A_field_below_ours_claiming_our_host_is_forged() =>
        Assert.Equal(["RCVD_FORGED_OWN"], Rules(Ours + "Received: from internal.example.test (internal [10.0.0.5])\r\n\tby MX.example.test. (Postfix) with SMTP id X1;\r\n\tFri, 4 Dec 2026 09:59:00 +0000\r\n"));

    [Fact]
    public void The_senders_own_hops_are_fine() =>
        Assert.Empty(Rules(Ours + "Received: from laptop ([192.168.1.4])\r\n\tby mta.remote.test with ESMTPSA id 77; Fri, 4 Dec 2026 09:59:00 +0000\r\n"
            + "Received: by mta.remote.test (Postfix, from userid 1000) id 76; Fri, 4 Dec 2026 09:58:00 +0000\r\n"));

    [Fact]
    public void Without_our_field_on_top_the_rule_does_not_apply()
    {
        const string Forged = "Received: from x ([10.0.0.5]) by mx.example.test with SMTP id X1; Fri, 4 Dec 2026 09:59:00 +0000\r\n";
        // Top field from another HELO or client: not the one this session wrote.
        Assert.Empty(Rules(Ours + Forged, Session with { HeloName = "other.remote.test" }));
        Assert.Empty(Rules(Ours + Forged, Session with { RemoteAddress = "203.0.113.10" }));
        Assert.Empty(Rules(Ours));
    }

    [Fact]
    public void Our_ipv6_address_literal_is_recognized()
    {
        var v6 = Session with { RemoteAddress = "2001:db8::25" };
        const string Top = "Received: from mta.remote.test ([IPv6:2001:db8::25])\r\n\tby mx.example.test with ESMTP id ABC; Fri, 4 Dec 2026 10:00:01 +0000\r\n";
        Assert.Equal(["RCVD_FORGED_OWN"], Rules(Top + "Received: from a by mx.example.test; Fri, 4 Dec 2026 09:00:00 +0000\r\n", v6));
    }
}
