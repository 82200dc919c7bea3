using System.Text;
using CloudMail.Core.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Filtering.Tests;

/// <summary>A test DKIM key (made once per run) and messages signed with it, as a sending domain would.</summary>
internal static class TestSigning
{
    private static readonly Lazy<DkimKey> Key = new(() => DkimKeyGenerator.NewRsaKey("sender.test", "sel", DateTimeOffset.UtcNow));

    public static string PrivateKeyPem => Key.Value.PrivateKeyPem;

    /// <summary>The key record's text ("v=DKIM1; k=rsa; p=...").</summary>
    public static string KeyRecord => DkimDnsRecord.Text(Key.Value);

    /// <summary>The key record cut into TXT strings under 256 octets (for dnsmasq).</summary>
    public static string[] KeyRecordStrings => KeyRecord.Chunk(250).Select(c => new string(c)).ToArray();

    public static MimeMessage NewMessage(string from = "alice@sender.test", string body = "Hello there.\r\n")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("bob@receiver.test"));
        message.Subject = "Signed";
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("sender.test");
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    /// <summary>Signs <paramref name="message"/> for <paramref name="domain"/>/<paramref name="selector"/> (relaxed/relaxed).</summary>
    public static void Sign(MimeMessage message, string domain = "sender.test", string selector = "sel", TimeSpan? expiresAfter = null)
    {
        var signer = new DkimSigner(new MemoryStream(Encoding.ASCII.GetBytes(PrivateKeyPem)), domain, selector, DkimSignatureAlgorithm.RsaSha256)
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
        };
        if (expiresAfter is { } after) signer.SignaturesExpireAfter = after;
        message.Prepare(EncodingConstraint.SevenBit);
        signer.Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId]);
    }

    public static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }
}
