using System.Text;
using CloudMail.Core.Dkim;
using CloudMail.Filtering.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Filtering.Tests.Dkim;

/// <summary>
/// The platform-RSA DKIM check against MimeKit's own verifier, side by side on the same received bytes: every
/// canonicalization pair, folded and oddly spaced fields, repeated and missing signed fields, l=, i=, and messages
/// altered in ways each canonicalization does or does not tolerate.
/// </summary>
public class PlatformRsaDkimCheckTests
{
    private const string Raw =
        "Received: from a.example by b.example; Fri, 4 Dec 2026 08:00:00 +0000\r\n" +
        "Received: from c.example\r\n\tby d.example; Fri, 4 Dec 2026 08:00:01 +0000\r\n" +
        "X-Tag: first\r\n" +
        "From: Alice <alice@sender.test>\r\n" +
        "X-Tag : second, space before the colon\r\n" +
        "To: bob@receiver.test,\r\n  carol@receiver.test\r\n" +
        "Subject:   Folded   and\r\n\t spaced  subject  \r\n" +
        "Date: Fri, 04 Dec 2026 08:00:00 +0000\r\n" +
        "Message-ID: <diff@sender.test>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=us-ascii\r\n" +
        "\r\n" +
        "Hello  there,\r\n\r\nA line with trailing space \r\nand\ttabs\t\r\n\r\n\r\n";

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        string[] alterations = ["none", "header-space", "body-space", "subject-changed", "body-changed", "received-added", "from-added-on-top", "from-changed", "tag-changed", "body-appended"];
        foreach (string header in (string[])["simple", "relaxed"])
            foreach (string body in (string[])["simple", "relaxed"])
                foreach (string alteration in alterations)
                    data.Add(header + "/" + body, alteration, "plain");
        foreach (string alteration in alterations)
        {
            data.Add("relaxed/relaxed", alteration, "identity");
            data.Add("simple/simple", alteration, "identity");
            data.Add("relaxed/simple", alteration, "missing-and-repeated-fields");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Agrees_with_MimeKit_on_every_case(string canonicalization, string alteration, string variant)
    {
        byte[] received = Alter(Sign(canonicalization, variant), alteration);
        var dns = new FakeDns().WithTxt("sel._domainkey.sender.test", TestSigning.KeyRecord);
        var locator = new DnsDkimPublicKeyLocator(dns);

        var message = MimeMessage.Load(new MemoryStream(received));
        var signature = message.Headers.First(h => h.Id == HeaderId.DkimSignature);
        bool mimeKit = await new DkimVerifier(locator).VerifyAsync(message, signature);
        var fresh = MimeMessage.Load(new MemoryStream(received));
        var freshSignature = fresh.Headers.First(h => h.Id == HeaderId.DkimSignature);
        bool? platform = await new PlatformRsaDkimCheck(locator).TryVerifyAsync(fresh, freshSignature, DkimSignatureTags.Parse(freshSignature.Value), default);

        Assert.NotNull(platform);
        Assert.Equal(mimeKit, platform);
        // The cases are not vacuous: unaltered mail verifies (a field added above the signed ones is not signed, RFC 6376
        // §5.4.2), a changed signed field or body never does; relaxed tolerates added spaces, simple does not.
        if (alteration is "none" or "received-added" or "from-added-on-top") Assert.True(platform);
        if (alteration is "subject-changed" or "body-changed" or "from-changed") Assert.False(platform);
        if (alteration == "tag-changed") Assert.Equal(variant != "missing-and-repeated-fields", platform);
        if (alteration == "header-space") Assert.Equal(canonicalization.StartsWith("relaxed", StringComparison.Ordinal), platform);
        if (alteration == "body-space") Assert.Equal(canonicalization.EndsWith("relaxed", StringComparison.Ordinal), platform);
    }

    [Fact]
    public async Task Leaves_what_it_does_not_handle_to_MimeKit()
    {
        var locator = new DnsDkimPublicKeyLocator(new FakeDns().WithTxt("sel._domainkey.sender.test", TestSigning.KeyRecord));
        var message = MimeMessage.Load(new MemoryStream(Sign("relaxed/relaxed", "plain")));
        var signature = message.Headers.First(h => h.Id == HeaderId.DkimSignature);
        var check = new PlatformRsaDkimCheck(locator);
        foreach (string changed in (string[])["a=rsa-sha1", "v=2", "h=to:subject", "i=alice@elsewhere.test", "c=relaxed/odd", "q=https"])
        {
            var tags = new Dictionary<string, string>(DkimSignatureTags.Parse(signature.Value), StringComparer.OrdinalIgnoreCase);
            string[] pair = changed.Split('=', 2);
            tags[pair[0]] = pair[1];
            Assert.Null(await check.TryVerifyAsync(message, signature, tags, default));
        }
        // A tag named twice (RFC 6376 §3.2) is MimeKit's to report as malformed.
        var twice = new Header("DKIM-Signature", signature.Value.TrimEnd() + "; d=sender.test");
        Assert.Null(await check.TryVerifyAsync(message, twice, DkimSignatureTags.Parse(twice.Value), default));
        await Assert.ThrowsAnyAsync<FormatException>(() => new DkimVerifier(locator).VerifyAsync(message, twice));
    }

    [Fact]
    public async Task Many_messages_checked_at_once_with_one_key_each_get_their_own_answer()
    {
        // One locator, so one parsed key and one set of imported platform keys shared by every check (as in the server).
        var locator = new DnsDkimPublicKeyLocator(new FakeDns().WithTxt("sel._domainkey.sender.test", TestSigning.KeyRecord));
        var check = new PlatformRsaDkimCheck(locator);
        byte[] good = Sign("relaxed/relaxed", "plain"), bad = Alter(good, "subject-changed"); // fails at the RSA step, not the body hash
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var message = MimeMessage.Load(new MemoryStream(i % 4 == 0 ? bad : good));
            var signature = message.Headers.First(h => h.Id == HeaderId.DkimSignature);
            return (i, await check.TryVerifyAsync(message, signature, DkimSignatureTags.Parse(signature.Value), default));
        })));
        foreach (var (i, answer) in answers) Assert.Equal(i % 4 != 0, answer);
    }

    internal static byte[] Sign(string canonicalization, string variant)
    {
        var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(Raw)));
        string[] c = canonicalization.Split('/');
        var signer = new DkimSigner(new MemoryStream(Encoding.ASCII.GetBytes(TestSigning.PrivateKeyPem)), "sender.test", "sel", DkimSignatureAlgorithm.RsaSha256)
        {
            HeaderCanonicalizationAlgorithm = c[0] == "simple" ? DkimCanonicalizationAlgorithm.Simple : DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = c[1] == "simple" ? DkimCanonicalizationAlgorithm.Simple : DkimCanonicalizationAlgorithm.Relaxed,
        };
        if (variant == "identity") signer.AgentOrUserIdentifier = "@mail.sender.test";
        // Repeated names take the instances bottom-up, a name with no instance left (Cc, a third X-Tag) adds nothing.
        string[] headers = variant == "missing-and-repeated-fields"
            ? ["From", "X-Tag", "X-Tag", "X-Tag", "Cc", "Subject", "To"]
            : ["From", "To", "Subject", "Date", "Message-ID", "Content-Type", "MIME-Version"];
        var dos = FormatOptions.Default.Clone();
        dos.NewLineFormat = NewLineFormat.Dos; // as received over SMTP
        signer.Sign(dos, message, headers);
        using var output = new MemoryStream();
        message.WriteTo(dos, output);
        return output.ToArray();
    }

    private static byte[] Alter(byte[] bytes, string alteration)
    {
        string text = Encoding.ASCII.GetString(bytes);
        int bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        string head = text[..bodyStart], body = text[bodyStart..];
        string altered = alteration switch
        {
            "header-space" => head.Replace("Subject:   Folded", "Subject:    Folded", StringComparison.Ordinal) + body,
            "body-space" => head + body.Replace("Hello  there", "Hello   there", StringComparison.Ordinal),
            "subject-changed" => head.Replace("spaced  subject", "spaced  object", StringComparison.Ordinal) + body,
            "body-changed" => head + body.Replace("tabs", "TABS", StringComparison.Ordinal),
            "received-added" => "Received: from e.example by f.example; Fri, 4 Dec 2026 08:00:02 +0000\r\n" + head + body,
            "from-added-on-top" => "From: Mallory <mallory@sender.test>\r\n" + head + body,
            "from-changed" => head.Replace("Alice <alice", "Alice <alyce", StringComparison.Ordinal) + body,
            "tag-changed" => head.Replace("X-Tag: first", "X-Tag: altered", StringComparison.Ordinal) + body,
            "body-appended" => head + body + "Appended after signing.\r\n",
            _ => text,
        };
        return Encoding.ASCII.GetBytes(altered);
    }
}
