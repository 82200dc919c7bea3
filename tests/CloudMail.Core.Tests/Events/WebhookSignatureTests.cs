using System.Text;
using CloudMail.Core.Events;

namespace CloudMail.Core.Tests.Events;

public sealed class WebhookSignatureTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_1"}""");

    [Fact]
    public void The_header_is_the_time_and_the_hex_HMAC_SHA256_of_time_dot_body_as_Pythons_hmac_computes_it()
    {
        // python3: hmac.new(b'whsec_test', b'1700000000.{"id":"evt_1"}', hashlib.sha256).hexdigest()
        Assert.Equal("t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925",
            WebhookSignature.Sign("whsec_test", At, Body));
    }

    [Fact]
    public void A_receiver_verifies_a_fresh_signature_with_the_secret()
    {
        string header = WebhookSignature.Sign("whsec_test", At, Body);

        Assert.True(WebhookSignature.Verify("whsec_test", header, Body, At.AddMinutes(4), WebhookSignature.RecommendedTolerance));
    }

    [Fact]
    public void Another_secret_a_changed_body_or_a_changed_time_fail()
    {
        string header = WebhookSignature.Sign("whsec_test", At, Body);

        Assert.False(WebhookSignature.Verify("whsec_other", header, Body, At, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", header, Encoding.UTF8.GetBytes("""{"id":"evt_2"}"""), At, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", header.Replace("t=1700000000", "t=1700000001", StringComparison.Ordinal), Body,
            At, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_replayed_request_older_than_the_tolerance_fails()
    {
        string header = WebhookSignature.Sign("whsec_test", At, Body);

        Assert.False(WebhookSignature.Verify("whsec_test", header, Body, At.AddMinutes(6), WebhookSignature.RecommendedTolerance));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=abc")]
    [InlineData("t=,v1=abc")]
    [InlineData("t=-5,v1=abc")]
    [InlineData("t=99999999999999999999,v1=abc")]
    [InlineData("t=1700000000")]
    public void Malformed_headers_fail_without_throwing(string? header)
    {
        Assert.False(WebhookSignature.Verify("whsec_test", header, Body, At, TimeSpan.FromMinutes(5)));
    }
}
