using CloudMail.Core.Dmarc;

namespace CloudMail.Core.Tests.Dmarc;

/// <summary>The DMARC record (RFC 7489 §6.3): tags, defaults, and the rua= destinations with their size limits (§6.2).</summary>
public sealed class DmarcRecordTests
{
    [Theory]
    [InlineData("v=DMARC1; p=reject", DmarcPolicy.Reject, DmarcPolicy.Reject, false, false, 100)]
    [InlineData("v=DMARC1; p=quarantine; sp=none; adkim=s; aspf=s; pct=20; rua=mailto:d@sender.test", DmarcPolicy.Quarantine, DmarcPolicy.None, true, true, 20)]
    [InlineData("v=DMARC1; rua=mailto:d@sender.test", DmarcPolicy.None, DmarcPolicy.None, false, false, 100)] // §6.6.3: rua without p is p=none
    [InlineData("v=DMARC1;p=none;pct=500", DmarcPolicy.None, DmarcPolicy.None, false, false, 100)]
    public void Parses_records(string txt, DmarcPolicy p, DmarcPolicy sp, bool strictDkim, bool strictSpf, int pct)
    {
        var record = DmarcRecord.Parse(txt)!;
        Assert.Equal((p, sp, strictDkim, strictSpf, pct), (record.Policy, record.SubdomainPolicy, record.StrictDkim, record.StrictSpf, record.Percent));
    }

    [Theory]
    [InlineData("v=DMARC1")]
    [InlineData("v=DMARC1; p=maybe")]
    [InlineData("p=reject; v=DMARC1")]
    [InlineData("v=spf1 -all")]
    public void Invalid_records_are_null(string txt) => Assert.Null(DmarcRecord.Parse(txt));

    [Fact]
    public void Rua_keeps_mailto_destinations_with_their_size_limits_and_drops_the_rest()
    {
        var record = DmarcRecord.Parse("v=DMARC1; p=none; rua=mailto:agg@sender.test!10m, https://x.test/r,mailto:other@reports.test,mailto:bad@@x.test, mailto:agg@sender.test")!;

        Assert.Equal([new DmarcReportUri("agg@sender.test", 10L << 20), new DmarcReportUri("other@reports.test", null)], record.AggregateReportUris);
        Assert.Equal("reports.test", record.AggregateReportUris[1].Domain);
    }

    [Theory]
    [InlineData("mailto:a@b.test!50", 50L)]
    [InlineData("mailto:a@b.test!2k", 2048L)]
    [InlineData("mailto:a@b.test!1G", 1L << 30)]
    [InlineData("mailto:a@b.test!3t", 3L << 40)]
    [InlineData("mailto:a%21x@b.test!1m", 1L << 20)] // a '!' of the address itself is percent-encoded (§6.2)
    public void Size_limits_are_decimal_numbers_with_a_binary_unit(string uri, long bytes) =>
        Assert.Equal(bytes, DmarcReportUri.Parse(uri)!.MaxBytes);

    [Theory]
    [InlineData("mailto:a@b.test!")]
    [InlineData("mailto:a@b.test!10x")]
    [InlineData("mailto:a@b.test!k")]
    [InlineData("mailto:a@b.test!99999999999999t")]
    [InlineData("https://b.test/reports")]
    [InlineData("mailto:nobody")]
    [InlineData("")]
    public void Malformed_destinations_are_dropped(string uri) => Assert.Null(DmarcReportUri.Parse(uri));

    [Fact]
    public void Fo_defaults_to_0_and_is_kept_as_given()
    {
        Assert.Equal("0", DmarcRecord.Parse("v=DMARC1; p=none")!.FailureOptions);
        Assert.Equal("1:d", DmarcRecord.Parse("v=DMARC1; p=none; fo=1:d")!.FailureOptions);
    }

    [Fact]
    public void Exactly_one_dmarc_record_among_the_txt_records_is_the_policy()
    {
        Assert.Equal(DmarcPolicy.Reject, DmarcRecord.Select(["v=spf1 -all", "v=DMARC1; p=reject"])!.Policy);
        Assert.Null(DmarcRecord.Select(["v=DMARC1; p=reject", "v=DMARC1; p=none"]));
        Assert.Null(DmarcRecord.Select(["v=spf1 -all"]));
    }
}
