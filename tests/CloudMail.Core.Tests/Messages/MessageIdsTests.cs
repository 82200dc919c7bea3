using CloudMail.Core.Messages;

namespace CloudMail.Core.Tests.Messages;

public sealed class MessageIdsTests
{
    [Fact]
    public void New_ids_are_valid_unique_and_sort_by_time()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => MessageIds.New()).ToList();
        Assert.All(ids, id => Assert.True(MessageIds.IsValid(id), id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        string earlier = ids[0];
        Thread.Sleep(5);
        Assert.True(string.CompareOrdinal(earlier[..12], MessageIds.New()[..12]) < 0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("0123456789abcdef0123456789AB")]
    public void Invalid_ids_are_rejected(string? id) => Assert.False(MessageIds.IsValid(id));
}

public sealed class MailAddressesTests
{
    [Theory]
    [InlineData("Alice@Example.TEST", "alice@example.test")]
    [InlineData("  bob@x.test ", "bob@x.test")]
    [InlineData("J\u00f6rg@B\u00dcCHER.test", "j\u00f6rg@xn--bcher-kva.test")] // U-labels become A-labels (RFC 5890); the local part stays UTF-8
    [InlineData("a@xn--bcher-kva.test", "a@xn--bcher-kva.test")]
    [InlineData("a@bad..\u00fc.test", "a@bad..\u00fc.test")] // not a valid internationalized name: kept as given, lower-cased
    public void Normalize_trims_and_lower_cases(string input, string expected) => Assert.Equal(expected, MailAddresses.Normalize(input));

    [Fact]
    public void DomainOf_gives_the_a_label_form() => Assert.Equal("xn--bcher-kva.test", MailAddresses.DomainOf("x@b\u00fccher.TEST"));

    [Theory]
    [InlineData("a@b.test", true)]
    [InlineData("a@[127.0.0.1]", true)]
    [InlineData("@b.test", false)]
    [InlineData("a@", false)]
    [InlineData("a b@c.test", false)]
    [InlineData("a<b@c.test", false)]
    [InlineData("", false)]
    public void IsPlausible_accepts_addr_specs_only(string address, bool expected) => Assert.Equal(expected, MailAddresses.IsPlausible(address));

    [Fact]
    public void DomainOf_uses_the_last_at_sign() => Assert.Equal("c.test", MailAddresses.DomainOf("\"a@b\"@C.test"));
}
