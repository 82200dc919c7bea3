using System.Text;
using System.Text.Json;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Events;

namespace CloudMail.Core.Tests.Events;

public sealed class WebhookPayloadTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 6, 0, 0, TimeSpan.Zero);

    private static readonly MessageHeaderSummary Headers = new("Ann <ann@remote.test>", "bob@a.test", "Hello", "<m1@remote.test>",
        "Fri, 4 Dec 2026 06:00:00 +0000", "mx.a.test; spf=pass smtp.mailfrom=remote.test", "No, score=0.1 required=5.0 tests=NONE");

    [Fact]
    public void A_received_event_has_the_envelope_the_headers_and_the_raw_message_in_base64()
    {
        byte[] raw = Encoding.ASCII.GetBytes("Subject: Hello\r\n\r\nhi\r\n");

        using var json = JsonDocument.Parse(WebhookPayload.Build("evt_1", MailEventType.Received, At, "m1", "ann@remote.test", ["bob@a.test"],
            Headers, null, raw.Length, raw));
        JsonElement root = json.RootElement;

        Assert.Equal("evt_1", root.GetProperty("id").GetString());
        Assert.Equal("message.received", root.GetProperty("type").GetString());
        Assert.Equal("2026-12-04T06:00:00.000Z", root.GetProperty("timestamp").GetString());
        Assert.Equal("m1", root.GetProperty("messageId").GetString());
        Assert.Equal("ann@remote.test", root.GetProperty("envelope").GetProperty("from").GetString());
        Assert.Equal(["bob@a.test"], root.GetProperty("envelope").GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Hello", root.GetProperty("headers").GetProperty("subject").GetString());
        Assert.Equal("mx.a.test; spf=pass smtp.mailfrom=remote.test", root.GetProperty("headers").GetProperty("authenticationResults").GetString());
        Assert.Equal("No, score=0.1 required=5.0 tests=NONE", root.GetProperty("headers").GetProperty("spamStatus").GetString());
        Assert.Equal(raw, root.GetProperty("raw").GetBytesFromBase64());
        Assert.Equal(raw.Length, root.GetProperty("rawSize").GetInt64());
        Assert.False(root.TryGetProperty("recipients", out _));
    }

    [Fact]
    public void A_large_received_message_has_only_its_size_and_a_gone_message_null_headers()
    {
        using var json = JsonDocument.Parse(WebhookPayload.Build("evt_1", MailEventType.Received, At, "m1", "", ["bob@a.test"], null, null, 999_999, null));

        Assert.False(json.RootElement.TryGetProperty("raw", out _));
        Assert.Equal(999_999, json.RootElement.GetProperty("rawSize").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("headers").ValueKind);
        Assert.Equal("", json.RootElement.GetProperty("envelope").GetProperty("from").GetString());
    }

    [Fact]
    public void An_outbound_event_lists_each_recipients_status_and_reply_and_no_raw_message()
    {
        DeliveryRecord[] log =
        [
            new("m1", "x@remote.test", DeliveryStatus.Failed, 1, "550 5.1.1 no such user", At),
            new("m1", "y@remote.test", DeliveryStatus.Failed, 2, "550 5.7.1 refused", At),
        ];

        using var json = JsonDocument.Parse(WebhookPayload.Build("evt_2", MailEventType.Bounced, At, "m1", "bob@a.test", ["x@remote.test", "y@remote.test"],
            Headers, log, null, null));
        JsonElement root = json.RootElement;

        Assert.Equal("message.bounced", root.GetProperty("type").GetString());
        Assert.Equal([("x@remote.test", "failed", "550 5.1.1 no such user"), ("y@remote.test", "failed", "550 5.7.1 refused")],
            root.GetProperty("recipients").EnumerateArray().Select(r =>
                (r.GetProperty("address").GetString(), r.GetProperty("status").GetString(), r.GetProperty("reply").GetString())));
        Assert.False(root.TryGetProperty("raw", out _));
        Assert.False(root.TryGetProperty("rawSize", out _));
    }

    [Fact]
    public async Task The_header_summary_decodes_encoded_words_and_takes_the_topmost_Authentication_Results()
    {
        byte[] message = Encoding.ASCII.GetBytes(
            "Authentication-Results: mx.a.test; dkim=pass\r\nAuthentication-Results: forged; dkim=pass\r\n" +
            "From: =?UTF-8?B?w4VzYQ==?= <asa@remote.test>\r\nSubject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=\r\n\r\nbody\r\n");

        MessageHeaderSummary summary = await MessageHeaderSummary.ReadAsync(new MemoryStream(message), CancellationToken.None);

        Assert.Equal("grüße", summary.Subject);
        Assert.Equal("Åsa <asa@remote.test>", summary.From);
        Assert.Equal("mx.a.test; dkim=pass", summary.AuthenticationResults);
        Assert.Null(summary.SpamStatus);
    }
}
