using System.Text;
using CloudMail.Core.Delivery;
using CsCheck;
using MimeKit;

namespace CloudMail.Core.Tests.Delivery;

/// <summary>The 7-bit form of a message (RFC 6152 §3, RFC 6376 §5.3): 8-bit bodies re-encoded, their text unchanged.</summary>
public sealed class SevenBitFormTests
{
    private const string Top = "From: Alice <alice@a.test>\r\nTo: bob@b.test\r\nSubject: test\r\nMIME-Version: 1.0\r\n";

    private static Task<byte[]?> ConvertAsync(string message) => Task.FromResult(SevenBitForm.Convert(Encoding.UTF8.GetBytes(message)));

    private static MimeMessage Parse(byte[] bytes) => MimeMessage.Load(new MemoryStream(bytes));

    private static bool IsSevenBit(byte[] bytes) => bytes.All(b => b is > 0 and < 128);

    [Fact]
    public async Task A_7bit_message_is_left_as_it_is()
    {
        Assert.Null(await ConvertAsync(Top + "Content-Type: text/plain\r\n\r\nplain ASCII, caf=C3=A9 is not decoded here\r\n"));
    }

    [Fact]
    public async Task An_8bit_text_body_becomes_quoted_printable_with_the_same_text()
    {
        const string text = "Grüße aus Köln, déjà vu.\r\n.a line that starts with a dot\r\n";
        string message = Top + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text;

        byte[] converted = Assert.IsType<byte[]>(await ConvertAsync(message));

        Assert.True(IsSevenBit(converted));
        using MimeMessage parsed = Parse(converted);
        var body = Assert.IsType<TextPart>(parsed.Body);
        Assert.Equal(ContentEncoding.QuotedPrintable, body.ContentTransferEncoding);
        Assert.Equal(text.ReplaceLineEndings("\n"), body.Text.ReplaceLineEndings("\n")); // QP lines are CRLF, decoded to the platform's
        Assert.StartsWith(Top, Encoding.ASCII.GetString(converted));
    }

    [Fact]
    public async Task Every_8bit_part_of_a_tree_is_converted_and_its_containers_relabelled()
    {
        byte[] attachment = [0x89, 0x50, 0x4E, 0x47, 0xFF, 0x80, 0x41, 0x0D, 0x0A, 0xC3, 0xA9];
        string inner = "From: carol@c.test\r\nSubject: inner\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nna\u00efve\r\n";
        string head = Top + "Content-Type: multipart/mixed; boundary=\"b1\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncafé\r\n" +
            "--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>caf=C3=A9</p>\r\n" +
            "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
        string tail = "\r\n--b1\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + inner + "--b1--\r\n";
        byte[] stored = [.. Encoding.UTF8.GetBytes(head), .. attachment, .. Encoding.UTF8.GetBytes(tail)];

        byte[] converted = Assert.IsType<byte[]>(SevenBitForm.Convert(stored));

        Assert.True(IsSevenBit(converted));
        using MimeMessage parsed = Parse(converted);
        var mixed = Assert.IsType<Multipart>(parsed.Body);
        Assert.Equal("7bit", mixed.Headers[HeaderId.ContentTransferEncoding]);
        var text = Assert.IsType<TextPart>(mixed[0]);
        Assert.Equal((ContentEncoding.QuotedPrintable, "café"), (text.ContentTransferEncoding, text.Text)); // the CRLF before a boundary is the boundary's
        var html = Assert.IsType<TextPart>(mixed[1]);
        Assert.Equal(ContentEncoding.QuotedPrintable, html.ContentTransferEncoding);
        Assert.Contains("<p>caf=C3=A9</p>", Encoding.ASCII.GetString(converted), StringComparison.Ordinal);
        var binary = Assert.IsType<MimePart>(mixed[2]);
        Assert.Equal(ContentEncoding.Base64, binary.ContentTransferEncoding);
        using (var decoded = new MemoryStream())
        {
            binary.Content!.DecodeTo(decoded);
            Assert.Equal(attachment, decoded.ToArray());
        }
        var rfc822 = Assert.IsType<MessagePart>(mixed[3]);
        Assert.Equal("7bit", rfc822.Headers[HeaderId.ContentTransferEncoding]);
        var innerText = Assert.IsType<TextPart>(rfc822.Message!.Body);
        Assert.Equal((ContentEncoding.QuotedPrintable, "na\u00efve"), (innerText.ContentTransferEncoding, innerText.Text));
    }

    [Fact]
    public async Task Unlabelled_text_with_8bit_bytes_is_converted_too()
    {
        byte[] converted = Assert.IsType<byte[]>(await ConvertAsync(Top + "Content-Type: text/plain; charset=utf-8\r\n\r\nÅngström\r\n"));

        Assert.True(IsSevenBit(converted));
        Assert.Equal("Ångström\n", Assert.IsType<TextPart>(Parse(converted).Body).Text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_multipart_signed_is_never_touched()
    {
        Assert.Null(await ConvertAsync(Top +
            "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; micalg=pgp-sha256; boundary=\"s\"\r\n\r\n" +
            "--s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nsigned café\r\n" +
            "--s\r\nContent-Type: application/pgp-signature\r\n\r\n-----BEGIN PGP SIGNATURE-----\r\nabc\r\n-----END PGP SIGNATURE-----\r\n--s--\r\n"));
    }

    [Fact]
    public async Task Eight_bit_header_text_alone_is_not_a_body_to_convert()
    {
        Assert.Null(await ConvertAsync("From: Zoë <zoe@a.test>\r\nTo: bob@b.test\r\nSubject: Grüße\r\n\r\nASCII body\r\n"));
    }

    [Theory]
    [InlineData(999, true)]
    [InlineData(998, false)] // the longest line RFC 5322 §2.1.1 allows
    [InlineData(5000, true)]
    public async Task A_7bit_body_with_a_line_over_998_octets_becomes_quoted_printable(int length, bool converted)
    {
        string line = string.Concat(Enumerable.Repeat("word ", length / 5 + 1))[..length];
        string text = "short first line\r\n" + line + "\r\nlast\r\n";

        byte[]? result = await ConvertAsync(Top + "Content-Type: text/html; charset=us-ascii\r\n\r\n" + text);

        Assert.Equal(converted, result is not null);
        if (result is null) return;
        Assert.All(Encoding.ASCII.GetString(result).Split("\r\n"), l => Assert.True(l.Length <= 998, $"a line of {l.Length}"));
        var body = Assert.IsType<TextPart>(Parse(result).Body);
        Assert.Equal(ContentEncoding.QuotedPrintable, body.ContentTransferEncoding);
        Assert.Equal(text.ReplaceLineEndings("\n"), body.Text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Only_the_part_with_the_long_line_is_converted()
    {
        string html = "<p>" + new string('x', 3000) + "</p>\r\n";
        string message = Top + "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n" +
            "--b\r\nContent-Type: text/plain\r\n\r\nshort text\r\n" +
            "--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + html + "--b--\r\n";

        byte[] converted = Assert.IsType<byte[]>(await ConvertAsync(message));

        var parts = Assert.IsType<MultipartAlternative>(Parse(converted).Body).Cast<TextPart>().ToList();
        Assert.Equal(ContentEncoding.Default, parts[0].ContentTransferEncoding);
        Assert.Equal(ContentEncoding.QuotedPrintable, parts[1].ContentTransferEncoding);
        Assert.Equal(html.TrimEnd(), parts[1].Text.ReplaceLineEndings("\n")); // the CRLF before a boundary is the boundary's
    }

    [Fact]
    public async Task A_plain_message_without_MIME_fields_and_a_long_line_keeps_its_text()
    {
        string text = new string('y', 1500) + "\r\n";

        byte[] converted = Assert.IsType<byte[]>(await ConvertAsync("From: a@a.test\r\nTo: b@b.test\r\nSubject: s\r\n\r\n" + text));

        Assert.Equal(text.ReplaceLineEndings("\n"), Assert.IsType<TextPart>(Parse(converted).Body).Text.ReplaceLineEndings("\n"));
        Assert.Contains("MIME-Version: 1.0\r\n", Encoding.ASCII.GetString(converted), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_7bit_form_is_final()
    {
        byte[] once = Assert.IsType<byte[]>(await ConvertAsync(Top + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncafé\r\n"));

        Assert.Null(SevenBitForm.Convert(once));
        using MimeMessage parsed = Parse(once);
        Assert.False(SevenBitForm.Apply(parsed));
    }

    /// <summary>A part of a generated message: text (lines, UTF-8) or bytes, and the label it is stored with ("": none).</summary>
    private sealed record GeneratedPart(string? Text, byte[]? Bytes, string Label);

    [Fact]
    public void Any_mix_of_8bit_parts_comes_out_7bit_with_the_same_content()
    {
        var line = Gen.String[Gen.Char["abcXYZ 019.,;éüßÅ中Ж"], 0, 1200];
        var text = Gen.Select(line.Array[1, 5], Gen.Int[0, 2].Select(i => new[] { "8bit", "7bit", "" }[i]),
            (lines, label) => new GeneratedPart(string.Join("\r\n", lines), null, label));
        var bytes = Gen.Select(Gen.Byte.Where(b => b is not (13 or 10)).Array[0, 600], Gen.Int[0, 1].Select(i => new[] { "8bit", "binary" }[i]),
            (content, label) => new GeneratedPart(null, content, label));
        Gen.OneOf(text, bytes).Array[1, 4].Sample(parts =>
        {
            var stored = new MemoryStream();
            void Write(string ascii) => stored.Write(Encoding.UTF8.GetBytes(ascii));
            Write(Top + "Content-Type: multipart/mixed; boundary=\"=b=\"\r\n\r\n");
            foreach (GeneratedPart part in parts)
            {
                Write("--=b=\r\n" + (part.Text is not null ? "Content-Type: text/plain; charset=utf-8\r\n" : "Content-Type: application/octet-stream\r\n"));
                Write(part.Label.Length == 0 ? "\r\n" : $"Content-Transfer-Encoding: {part.Label}\r\n\r\n");
                if (part.Text is not null) Write(part.Text);
                else stored.Write(part.Bytes);
                Write("\r\n");
            }
            Write("--=b=--\r\n");
            stored.Position = 0;

            byte[] converted = SevenBitForm.Convert(stored.ToArray()) ?? stored.ToArray();

            Assert.True(IsSevenBit(converted), "only 7-bit bytes after conversion");
            using MimeMessage parsed = Parse(converted);
            var mixed = Assert.IsType<Multipart>(parsed.Body);
            Assert.Equal(parts.Length, mixed.Count);
            for (int i = 0; i < parts.Length; i++)
            {
                if (parts[i].Text is { } expected)
                {
                    Assert.Equal(expected.ReplaceLineEndings("\n"), Assert.IsType<TextPart>(mixed[i]).Text.ReplaceLineEndings("\n"));
                    continue;
                }
                using var decoded = new MemoryStream();
                Assert.IsType<MimePart>(mixed[i]).Content!.DecodeTo(decoded);
                Assert.Equal(parts[i].Bytes, decoded.ToArray());
            }
            Assert.Null(SevenBitForm.Convert(converted));
        }, iter: 300);
    }

    [Fact]
    public void Message_shaped_noise_converts_without_throwing_to_a_message_or_not_at_all()
    {
        // Message-shaped noise: MIME header fields, boundaries and 8-bit bytes in any order and nesting.
        string[] pieces =
        [
            "Content-Type: multipart/mixed; boundary=a\r\n", "Content-Type: message/rfc822\r\n", "Content-Transfer-Encoding: 8bit\r\n",
            "Content-Transfer-Encoding: binary\r\n", "Content-Type: text/plain\r\n", "--a\r\n", "--a--\r\n", "\r\n", "Subject: x\r\n",
            "caf\u00e9 \u4e2d\r\n", "\u0000\u0001\r", "\n", "From: a@b\r\n", "Content-Type: multipart/signed; boundary=a\r\n",
        ];
        var noise = Gen.Int[0, pieces.Length - 1].Select(i => pieces[i]).Array[0, 40].Select(p => Encoding.UTF8.GetBytes(string.Concat(p)));
        noise.Sample(bytes =>
        {
            byte[]? converted = SevenBitForm.Convert(bytes);
            // Malformed structure need not write back as it was parsed (MimeKit repairs it), so the form is not always
            // final here as it is for a well-formed message (The_7bit_form_is_final); it must still be a message.
            if (converted is not null) Assert.NotNull(Parse(converted).Headers);
        }, iter: 2_000);
    }
}
