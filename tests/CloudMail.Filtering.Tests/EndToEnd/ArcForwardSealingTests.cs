using System.Text;
using CloudMail.Core.Delivery;
using CloudMail.Core.Dkim;
using CloudMail.Core.Directory;
using CloudMail.Delivery;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Filtering.Tests.EndToEnd;

/// <summary>
/// ARC sealing of alias forwards (RFC 8617) over real parts: a DKIM-signed message from sender.test arrives on the port-25
/// endpoint for an alias that forwards to carol@external.test, whose MX is an smtp-sink at <see cref="SinkAddress"/>:25;
/// the forwarded copy must carry an ARC set that MimeKit's <see cref="ArcVerifier"/> validates against the DNS (a real
/// dnsmasq publishing sender.test's key and the forwarding domains' keys). Sending that copy back in to a second alias (of
/// lists.test) gives the second hop: i=2 with cv=pass, or cv=fail when the copy was altered on the way.
/// </summary>
public sealed class ArcForwardSealingTests : IAsyncLifetime
{
    private const string SinkAddress = "127.0.0.95";
    private const string AuthServId = "mx.receiver.test";
    private const string FirstAlias = "fwd@" + TestServer.Domain;
    private const string SecondAlias = "relay@lists.test";

    private static readonly DkimKey FirstKey = DkimKeyGenerator.NewRsaKey(TestServer.Domain, "arc1", DateTimeOffset.UtcNow);
    private static readonly DkimKey SecondKey = DkimKeyGenerator.NewRsaKey("lists.test", "arc2", DateTimeOffset.UtcNow);

    private DnsmasqProcess _dns = null!;
    private SmtpSinkProcess _sink = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _sink = await SmtpSinkProcess.StartAsync(SinkAddress, 25);
        _dns = await DnsmasqProcess.StartAsync(
            DnsmasqProcess.Txt("sender.test", "v=spf1 ip4:192.0.2.1 -all"),
            DnsmasqProcess.Txt("_dmarc.sender.test", "v=DMARC1; p=reject"),
            DnsmasqProcess.Txt("sel._domainkey.sender.test", TestSigning.KeyRecordStrings),
            DnsmasqProcess.Txt(DkimDnsRecord.Name(FirstKey), Strings(DkimDnsRecord.Text(FirstKey))),
            DnsmasqProcess.Txt(DkimDnsRecord.Name(SecondKey), Strings(DkimDnsRecord.Text(SecondKey))),
            DnsmasqProcess.Mx("external.test", "mx.external.test"), DnsmasqProcess.Host("mx.external.test", SinkAddress));
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Dns:Servers:0"] = _dns.Endpoint,
            ["CloudMail:Dns:Timeout"] = "00:00:02",
            ["CloudMail:Filtering:Enabled"] = "true",
            ["CloudMail:Filtering:AuthServId"] = AuthServId,
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
            ["CloudMail:Delivery:ConnectTimeout"] = "00:00:05",
        }, services: s => s.AddSingleton<IOutboundTransport>(sp => new SmtpOutboundTransport(sp.GetRequiredService<MxResolver>(),
            sp.GetRequiredService<IOptions<DeliveryOptions>>(), sp.GetRequiredService<ILogger<SmtpOutboundTransport>>())));
        var directory = _server.Get<IMailDirectory>();
        await directory.AddDomainAsync(TestServer.Domain, default);
        await directory.AddDomainAsync("lists.test", default);
        await directory.AddAliasAsync(FirstAlias, "carol@external.test", default);
        await directory.AddAliasAsync(SecondAlias, "dave@external.test", default);
        await _server.Get<IDkimKeyStore>().AddAsync(FirstKey, default);
        await _server.Get<IDkimKeyStore>().AddAsync(SecondKey, default);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _dns.DisposeAsync();
        await _sink.DisposeAsync();
    }

    [Fact]
    public async Task A_forwarded_message_carries_a_first_arc_set_with_cv_none_that_verifies_against_dns()
    {
        string subject = "first hop " + Guid.NewGuid().ToString("N");
        await SendAsync(SignedMessage(subject), "alice@sender.test", FirstAlias);

        SinkMessage received = await _sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(30));
        Assert.Equal("<carol@external.test>", received.RcptArgs.Single().Split(' ')[0]);
        Assert.StartsWith("<SRS0=", received.MailArgs, StringComparison.Ordinal); // the envelope was rewritten (SRS) ...
        MimeMessage forwarded = Parse(received);
        ArcValidationResult arc = await VerifyArcAsync(forwarded);
        Assert.Equal(ArcSignatureValidationResult.Pass, arc.Chain); // ... and the ARC set vouches for what we saw
        var seal = Tags(Assert.Single(forwarded.Headers, h => h.Id == HeaderId.ArcSeal));
        Assert.Equal(("1", "none", TestServer.Domain, "arc1"), (seal["i"], seal["cv"], seal["d"], seal["s"]));
        string aar = Assert.Single(forwarded.Headers, h => h.Id == HeaderId.ArcAuthenticationResults).Value;
        Assert.StartsWith("i=1; " + AuthServId + ";", aar, StringComparison.Ordinal);
        Assert.Contains("spf=fail", aar, StringComparison.Ordinal); // CloudMail's verdicts, copied
        Assert.Contains("dkim=pass", aar, StringComparison.Ordinal);
        Assert.Contains("dmarc=pass", aar, StringComparison.Ordinal);
        Assert.Contains("arc=none", aar, StringComparison.Ordinal);
        Header dkim = Assert.Single(forwarded.Headers, h => h.Id == HeaderId.DkimSignature); // sender.test's signature still holds
        Assert.True(await new DkimVerifier(_server.Get<IDkimPublicKeyLocator>()).VerifyAsync(forwarded, dkim));
    }

    [Fact]
    public async Task Forwarding_the_forwarded_copy_again_adds_instance_2_with_cv_pass()
    {
        string subject = "second hop " + Guid.NewGuid().ToString("N");
        await SendAsync(SignedMessage(subject), "alice@sender.test", FirstAlias);
        SinkMessage first = await _sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(30));

        await SendAsync(Parse(first), Unbracket(first.MailArgs), SecondAlias);

        SinkMessage second = await WaitForRecipientAsync(subject, "<dave@external.test>");
        MimeMessage twice = Parse(second);
        ArcValidationResult arc = await VerifyArcAsync(twice);
        Assert.Equal(ArcSignatureValidationResult.Pass, arc.Chain);
        var seals = twice.Headers.Where(h => h.Id == HeaderId.ArcSeal).Select(Tags).OrderBy(t => t["i"], StringComparer.Ordinal).ToList();
        Assert.Equal(2, seals.Count);
        Assert.Equal(("1", "none", TestServer.Domain), (seals[0]["i"], seals[0]["cv"], seals[0]["d"]));
        Assert.Equal(("2", "pass", "lists.test"), (seals[1]["i"], seals[1]["cv"], seals[1]["d"]));
        string aar2 = twice.Headers.Where(h => h.Id == HeaderId.ArcAuthenticationResults).Single(h => h.Value.StartsWith("i=2;", StringComparison.Ordinal)).Value;
        Assert.Contains("arc=pass", aar2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_altered_after_the_first_seal_is_sealed_with_cv_fail()
    {
        string subject = "altered " + Guid.NewGuid().ToString("N");
        await SendAsync(SignedMessage(subject), "alice@sender.test", FirstAlias);
        SinkMessage first = await _sink.WaitForMessageAsync(subject, TimeSpan.FromSeconds(30));
        MimeMessage altered = Parse(first);
        altered.Subject = subject + " [edited]"; // signed by the ARC-Message-Signature of i=1

        await SendAsync(altered, Unbracket(first.MailArgs), SecondAlias);

        SinkMessage second = await WaitForRecipientAsync(subject + " [edited]", "<dave@external.test>");
        MimeMessage twice = Parse(second);
        Assert.Equal(ArcSignatureValidationResult.Fail, (await VerifyArcAsync(twice)).Chain);
        var newest = twice.Headers.Where(h => h.Id == HeaderId.ArcSeal).Select(Tags).Single(t => t["i"] == "2");
        Assert.Equal(("fail", "lists.test"), (newest["cv"], newest["d"]));
    }

    private static MimeMessage SignedMessage(string subject)
    {
        var message = TestSigning.NewMessage();
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse(FirstAlias));
        message.Subject = subject;
        TestSigning.Sign(message);
        return message;
    }

    private async Task SendAsync(MimeMessage message, string mailFrom, string rcptTo)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", _server.Port(EndpointKind.Smtp), SecureSocketOptions.None);
        await smtp.SendAsync(message, MailboxAddress.Parse(mailFrom), [MailboxAddress.Parse(rcptTo)]);
        await smtp.DisconnectAsync(true);
    }

    private async Task<SinkMessage> WaitForRecipientAsync(string subject, string rcpt)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var found = _sink.Messages().FirstOrDefault(m => m.Content.Contains(subject, StringComparison.Ordinal) && m.RcptArgs.Any(r => r.StartsWith(rcpt, StringComparison.Ordinal)));
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no forward of '{subject}' to {rcpt} reached the sink");
            await Task.Delay(50);
        }
    }

    private Task<ArcValidationResult> VerifyArcAsync(MimeMessage message) => new ArcVerifier(_server.Get<IDkimPublicKeyLocator>()).VerifyAsync(message);

    private static MimeMessage Parse(SinkMessage received) =>
        MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(received.Content.Replace("\n", "\r\n", StringComparison.Ordinal))));

    private static IReadOnlyDictionary<string, string> Tags(Header header) => DkimSignatureTags.Parse(header.Value);

    /// <summary>The address of a MAIL FROM argument line such as <c>&lt;SRS0=...@example.test&gt; SIZE=123</c>.</summary>
    private static string Unbracket(string mailArgs) => mailArgs.Split(' ')[0].Trim('<', '>');

    /// <summary>A TXT record's text cut into strings under 256 octets (for dnsmasq).</summary>
    private static string[] Strings(string text) => text.Chunk(250).Select(c => new string(c)).ToArray();
}
