using System.Text;
using MimeKit;

namespace CloudMail.SendApi.Tests;

public sealed class MimeMessageFactoryTests
{
    private static readonly DateTimeOffset Date = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private const string Id = "0123456789abcdef0123456789ab";

    private static OutgoingMessage Message(string? text = "Hello\nworld", string? html = null, SendAttachment[]? attachments = null,
        (string, string)[]? headers = null, string subject = "Hi", string[]? bcc = null)
    {
        var request = new SendMessageRequest("App <app@example.test>", ["bob@x.test"], ["carol@x.test"], bcc ?? ["dave@x.test"], "reply@example.test",
            subject, text, html, attachments ?? [], (headers ?? []).Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2)).ToList());
        return new SendRequestValidator(new SendApiOptions()).Validate(request).Value!;
    }

    private static (byte[] Bytes, MimeMessage Parsed) Render(OutgoingMessage message)
    {
        var stream = new MemoryStream();
        MimeMessageFactory.Build(message, Id, Date).WriteTo(MimeMessageFactory.WireFormat, stream);
        byte[] bytes = stream.ToArray();
        return (bytes, MimeMessage.Load(new MemoryStream(bytes)));
    }

    [Fact]
    public void Text_only_is_a_single_text_plain_part_with_server_set_date_and_message_id()
    {
        var (bytes, parsed) = Render(Message());
        var part = Assert.IsType<TextPart>(parsed.Body);
        Assert.True(part.IsPlain);
        Assert.EndsWith("\r\n\r\nHello\r\nworld\r\n", Encoding.ASCII.GetString(bytes));
        Assert.Equal(Date, parsed.Date);
        Assert.Equal(Id + "@example.test", parsed.MessageId);
        Assert.Equal("app@example.test", parsed.From.Mailboxes.Single().Address);
        Assert.Equal("reply@example.test", parsed.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal("carol@x.test", parsed.Cc.Mailboxes.Single().Address);
    }

    [Fact]
    public void Bcc_is_never_written_into_the_message()
    {
        var (bytes, parsed) = Render(Message());
        Assert.Empty(parsed.Bcc);
        Assert.DoesNotContain("dave@x.test", Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void Text_and_html_make_multipart_alternative_with_text_first()
    {
        var (_, parsed) = Render(Message(html: "<p>Hello</p>"));
        var alternative = Assert.IsType<MultipartAlternative>(parsed.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Equal("<p>Hello</p>", parsed.HtmlBody);
    }

    [Fact]
    public void Attachments_make_multipart_mixed_with_base64_parts_whose_bytes_survive()
    {
        byte[] data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var (_, parsed) = Render(Message(html: "<p>x</p>", attachments: [new("report.pdf", "application/pdf", Convert.ToBase64String(data)), new("ü.txt", "text/plain", "aGk=")]));
        var mixed = Assert.IsType<Multipart>(parsed.Body);
        Assert.Equal("multipart/mixed", mixed.ContentType.MimeType);
        Assert.IsType<MultipartAlternative>(mixed[0]);
        var pdf = Assert.IsType<MimePart>(mixed[1]);
        Assert.True(pdf.IsAttachment);
        Assert.Equal("report.pdf", pdf.FileName);
        Assert.Equal(ContentEncoding.Base64, pdf.ContentTransferEncoding);
        var copy = new MemoryStream();
        pdf.Content!.DecodeTo(copy);
        Assert.Equal(data, copy.ToArray());
        Assert.Equal("ü.txt", ((MimePart)mixed[2]).FileName);
    }

    [Fact]
    public void Output_is_seven_bit_with_crlf_line_endings_only()
    {
        var (bytes, parsed) = Render(Message(text: "Grüße\nline two\r\nline three", subject: "Ünïcode ✓", headers: [("X-Note", "café")]));
        Assert.All(bytes, b => Assert.True(b < 128, "8-bit byte in output"));
        for (int i = 0; i < bytes.Length; i++)
            if (bytes[i] == '\n') Assert.Equal((byte)'\r', bytes[i - 1]);
        Assert.Equal("Ünïcode ✓", parsed.Subject);
        Assert.Equal("café", parsed.Headers["X-Note"]);
        Assert.Equal("Grüße\nline two\nline three", parsed.TextBody!.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Custom_headers_are_added_in_order()
    {
        var (_, parsed) = Render(Message(headers: [("X-A", "1"), ("X-B", "2")]));
        var names = parsed.Headers.Select(h => h.Field).ToList();
        Assert.True(names.IndexOf("X-A") < names.IndexOf("X-B"));
    }
}
