namespace CloudMail.SendApi.Tests;

public sealed class SendRequestValidatorTests
{
    private static readonly SendApiOptions Options = new() { MaxRecipients = 3, MaxMessageSize = 1000 };

    private static SendMessageRequest Request(
        string? from = "app@example.test", string[]? to = null, string[]? cc = null, string[]? bcc = null,
        string? subject = "Hi", string? text = "Hello", string? html = null, SendAttachment[]? attachments = null,
        (string, string)[]? headers = null, string? replyTo = null) =>
        new(from, to ?? ["bob@example.test"], cc ?? [], bcc ?? [], replyTo, subject, text, html, attachments ?? [],
            (headers ?? []).Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2)).ToList());

    private static Checked<OutgoingMessage> Validate(SendMessageRequest request) => new SendRequestValidator(Options).Validate(request);

    private static ApiProblem Invalid(SendMessageRequest request)
    {
        var problem = Validate(request).Problem;
        Assert.NotNull(problem);
        Assert.Equal(422, problem.Status);
        return problem;
    }

    [Fact]
    public void A_valid_request_gives_envelope_recipients_from_to_cc_and_bcc_lower_cased_without_duplicates()
    {
        var message = Validate(Request(from: "App <App@Example.TEST>", to: ["Bob <Bob@X.test>"], cc: ["c@x.test", "bob@x.test"], bcc: ["d@x.test"])).Value!;
        Assert.Equal(["bob@x.test", "c@x.test", "d@x.test"], message.Recipients);
        Assert.Equal("app@example.test", message.MailFrom);
        Assert.Equal("App", message.From.Name);
    }

    [Fact]
    public void Missing_from_and_bad_addresses_are_named_by_field_path()
    {
        var problem = Invalid(Request(from: null, to: ["ok@x.test", "not an address", "a@b.test, c@d.test"]));
        Assert.Equal("is required", problem.Errors!["from"][0]);
        Assert.Contains("not a single valid address", problem.Errors["to[1]"][0]);
        Assert.Contains("not a single valid address", problem.Errors["to[2]"][0]);
        Assert.StartsWith("The message is not valid: from: is required", problem.Detail);
    }

    [Fact]
    public void An_address_with_a_line_break_is_refused() =>
        Assert.Contains("line breaks", Invalid(Request(to: ["bob@x.test\r\nBcc: evil@x.test"])).Errors!["to[0]"][0]);

    [Fact]
    public void At_least_one_recipient_is_required() =>
        Assert.Contains("at least one recipient", Invalid(Request(to: [])).Errors!["to"][0]);

    [Fact]
    public void Too_many_recipients_are_refused() =>
        Assert.Contains("at most 3 recipients", Invalid(Request(to: ["a@x.test", "b@x.test"], bcc: ["c@x.test", "d@x.test"])).Errors!["to"][0]);

    [Fact]
    public void A_body_is_required() =>
        Assert.Contains("needs a body", Invalid(Request(text: null, html: "")).Errors!["text"][0]);

    [Fact]
    public void An_attachment_alone_is_a_body() =>
        Assert.Null(Validate(Request(text: null, attachments: [new("a.bin", null, "AAEC")])).Problem);

    [Theory]
    [InlineData("Hi\r\nBcc: evil@x.test")]
    [InlineData("Hi\nX-Injected: 1")]
    [InlineData("Hi\rthere")]
    public void A_subject_with_a_line_break_is_refused(string subject) =>
        Assert.Contains("CR or LF", Invalid(Request(subject: subject)).Errors!["subject"][0]);

    [Theory]
    [InlineData("X-Tag", "a\r\nBcc: evil@x.test", "CR or LF")]
    [InlineData("X-Tag", "a\nb", "CR or LF")]
    [InlineData("X-Tag", "a\u0000b", "control characters")]
    [InlineData("Bcc", "evil@x.test", "reserved")]
    [InlineData("bcc", "evil@x.test", "reserved")]
    [InlineData("From", "x@x.test", "reserved")]
    [InlineData("To", "x@x.test", "reserved")]
    [InlineData("Received", "from evil", "reserved")]
    [InlineData("Content-Type", "text/html", "reserved")]
    [InlineData("Resent-From", "x@x.test", "reserved")]
    [InlineData("DKIM-Signature", "v=1", "reserved")]
    [InlineData("ARC-Seal", "i=1", "reserved")]
    [InlineData("Message-ID", "<x@y>", "reserved")]
    [InlineData("X Tag", "v", "not a valid header name")]
    [InlineData("X:Tag", "v", "not a valid header name")]
    [InlineData("X-Tä", "v", "not a valid header name")]
    [InlineData("", "v", "not a valid header name")]
    public void Header_injection_and_reserved_headers_are_refused(string name, string value, string expected) =>
        Assert.Contains(expected, Invalid(Request(headers: [(name, value)])).Errors!["headers." + name][0]);

    [Fact]
    public void Custom_headers_that_are_not_reserved_pass() =>
        Assert.Equal(2, Validate(Request(headers: [("X-Campaign", "spring"), ("List-Unsubscribe", "<mailto:u@example.test>")])).Value!.Headers.Count);

    [Theory]
    [InlineData("not base64!", "attachments[0].contentBase64", "not valid base64")]
    [InlineData(null, "attachments[0].contentBase64", "is required")]
    public void Attachment_content_must_be_base64(string? content, string field, string expected) =>
        Assert.Contains(expected, Invalid(Request(attachments: [new("a.bin", null, content)])).Errors![field][0]);

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("../etc/passwd", "plain file name")]
    [InlineData("a\r\nb.txt", "plain file name")]
    public void Attachment_file_names_must_be_plain(string? filename, string expected) =>
        Assert.Contains(expected, Invalid(Request(attachments: [new(filename, null, "AAEC")])).Errors!["attachments[0].filename"][0]);

    [Theory]
    [InlineData("multipart/mixed")]
    [InlineData("message/rfc822")]
    [InlineData("not a type")]
    public void Attachment_content_types_must_be_leaf_types(string type) =>
        Assert.Contains("attachments[0].contentType", Invalid(Request(attachments: [new("a.bin", type, "AAEC")])).Errors!.Keys);

    [Fact]
    public void Attachments_are_decoded_with_a_default_type()
    {
        var attachment = Assert.Single(Validate(Request(attachments: [new("a.bin", null, "AAEC/w==")])).Value!.Attachments);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, attachment.Content);
        Assert.Equal("application/octet-stream", attachment.ContentType.MimeType);
    }

    [Fact]
    public void Content_larger_than_the_message_limit_is_413()
    {
        var problem = Validate(Request(text: new string('a', 1001))).Problem!;
        Assert.Equal(413, problem.Status);
        Assert.Contains("at most 1000 bytes", problem.Detail);
    }
}
