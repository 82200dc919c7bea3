using CloudMail.Core.Dkim;

namespace CloudMail.Core.Tests.Dkim;

public sealed class DkimDnsRecordTests
{
    private static readonly DkimKey Key = DkimKeyGenerator.NewRsaKey("Example.Test", "CM202612", DateTimeOffset.UtcNow);

    [Fact]
    public void Zone_file_line_names_the_selector_under_domainkey_and_splits_the_text_into_strings_of_at_most_255()
    {
        string line = DkimDnsRecord.ZoneFileLine(Key);

        Assert.StartsWith("cm202612._domainkey.example.test. IN TXT \"v=DKIM1; k=rsa; p=", line);
        string[] strings = line[(line.IndexOf('"') + 1)..^1].Split("\" \"");
        Assert.True(strings.Length > 1);
        Assert.All(strings, s => Assert.InRange(s.Length, 1, DkimDnsRecord.MaxStringLength));
        Assert.Equal(DkimDnsRecord.Text(Key), string.Concat(strings));
    }

    [Fact]
    public void Public_key_is_a_2048_bit_rsa_subject_public_key_info()
    {
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(DkimKeyGenerator.PublicKeyBase64(Key)), out _);
        Assert.Equal(2048, rsa.KeySize);
    }

    [Theory]
    [InlineData("cm202612", true)]
    [InlineData("s1.2026", true)]
    [InlineData("a-b", true)]
    [InlineData("", false)]
    [InlineData("-a", false)]
    [InlineData("a-", false)]
    [InlineData("a..b", false)]
    [InlineData("a_b", false)]
    [InlineData("a b", false)]
    [InlineData("a/b", false)]
    public void Selector_syntax_follows_RFC_6376_section_3_1(string selector, bool valid) => Assert.Equal(valid, DkimSelector.IsValid(selector));

    [Fact]
    public void Default_selector_is_cm_and_the_year_and_month() =>
        Assert.Equal("cm202701", DkimSelector.Default(new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.FromHours(-5))));
}
