using CloudMail.Core.TlsReporting;

namespace CloudMail.Core.Tests.TlsReporting;

/// <summary>The <c>_smtp._tls</c> TXT record (RFC 8460 §3): what is a policy, what is not, and never an exception.</summary>
public sealed class TlsRptRecordTests
{
    [Fact]
    public void A_mailto_destination_is_read()
    {
        var record = TlsRptRecord.Parse("v=TLSRPTv1; rua=mailto:reports@example.com");

        Assert.NotNull(record);
        Assert.Equal(["reports@example.com"], record.MailtoAddresses);
        Assert.Empty(record.HttpsUris);
    }

    [Fact]
    public void Several_destinations_of_both_schemes_are_read_in_order_without_duplicates()
    {
        var record = TlsRptRecord.Parse("v=TLSRPTv1;rua=mailto:a@example.com , https://reports.example.com/tlsrpt,mailto:b@example.com,mailto:a@example.com;");

        Assert.NotNull(record);
        Assert.Equal(["a@example.com", "b@example.com"], record.MailtoAddresses);
        Assert.Equal([new Uri("https://reports.example.com/tlsrpt")], record.HttpsUris);
    }

    [Fact]
    public void A_mailto_uri_is_percent_decoded_and_its_query_dropped()
    {
        var record = TlsRptRecord.Parse("v=TLSRPTv1; rua=mailto:tls%2Breports@example.com?subject=x");

        Assert.Equal(["tls+reports@example.com"], record!.MailtoAddresses);
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        Assert.NotNull(TlsRptRecord.Parse("v=TLSRPTv1; ext=1; rua=mailto:r@example.com; other=x"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v=TLSRPTv1")]
    [InlineData("v=TLSRPTv1;")]
    [InlineData("v=TLSRPTv2; rua=mailto:r@example.com")]
    [InlineData("v=tlsrptv1; rua=mailto:r@example.com")]
    [InlineData("v=TLSRPTv1x; rua=mailto:r@example.com")]
    [InlineData(" v=TLSRPTv1; rua=mailto:r@example.com")]
    [InlineData("rua=mailto:r@example.com; v=TLSRPTv1")]
    [InlineData("v=TLSRPTv1; rua=mailto:r@example.com; rua=mailto:s@example.com")]
    [InlineData("v=TLSRPTv1; rua=http://reports.example.com/")]
    [InlineData("v=TLSRPTv1; rua=mailto:")]
    [InlineData("v=TLSRPTv1; rua=mailto:no-at-sign")]
    [InlineData("v=TLSRPTv1; rua=mailto:a@")]
    [InlineData("v=TLSRPTv1; rua=mailto:a b@example.com")]
    [InlineData("v=TLSRPTv1; rua=mailto:a@.example.com")]
    [InlineData("v=TLSRPTv1; rua=mailto:a@example.comhttps://example.com/x")]
    [InlineData("v=TLSRPTv1; rua=mailto:a<b>@example.com")]
    [InlineData("v=TLSRPTv1; rua=mailto:a@localhost")]
    [InlineData("v=TLSRPTv1; garbage; rua=mailto:r@example.com")]
    public void A_record_that_is_not_a_valid_policy_with_a_destination_is_none(string text)
    {
        Assert.Null(TlsRptRecord.Parse(text));
    }

    [Fact]
    public void Null_is_no_policy()
    {
        Assert.Null(TlsRptRecord.Parse(null));
    }

    [Fact]
    public void Records_of_other_kinds_are_discarded_before_choosing()
    {
        var record = TlsRptRecord.Select(["v=spf1 -all", "v=TLSRPTv1; rua=mailto:r@example.com", "google-site-verification=x"]);

        Assert.Equal(["r@example.com"], record!.MailtoAddresses);
    }

    [Fact]
    public void Two_policies_mean_none()
    {
        Assert.Null(TlsRptRecord.Select(["v=TLSRPTv1; rua=mailto:r@example.com", "v=TLSRPTv1; rua=mailto:s@example.com"]));
    }

    [Fact]
    public void One_invalid_policy_means_none()
    {
        Assert.Null(TlsRptRecord.Select(["v=TLSRPTv1; rua=ftp://x"]));
        Assert.Null(TlsRptRecord.Select([]));
    }

    [Fact]
    public void Random_input_never_throws()
    {
        var random = new Random(8460);
        const string alphabet = "v=TLSRPTv1;rua:mailto@,%?https/ \t\"x.é\u0000";
        for (int i = 0; i < 5000; i++)
        {
            int length = random.Next(0, 80);
            string text = "v=TLSRPTv1;" + new string([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            _ = TlsRptRecord.Parse(text);
            _ = TlsRptRecord.Parse(text[11..]);
        }
    }
}
