using CloudMail.Core.Admin;
using CloudMail.Core.Auth;
using CloudMail.Core.Messages;

namespace CloudMail.Core.Tests.Admin;

/// <summary>The pure checks of admin input: domain names, admin key scopes and the Bearer header. None throws.</summary>
public sealed class AdminInputTests
{
    [Theory]
    [InlineData("example.com")]
    [InlineData("mail.example.co.uk")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("a-b.c1.test.")]
    public void A_domain_name_of_ldh_labels_is_valid(string name) => Assert.Null(DomainNames.Problem(name));

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("under_score.test")]
    [InlineData("-lead.test")]
    [InlineData("trail-.test")]
    [InlineData("a..b.test")]
    [InlineData("bücher.example")]
    [InlineData("a b.test")]
    [InlineData(null)]
    public void Anything_else_is_not_with_a_reason(string? name) => Assert.False(string.IsNullOrEmpty(DomainNames.Problem(name)));

    [Theory]
    [InlineData("Example.COM.", "example.com")]
    [InlineData(" Bücher.Example ", "xn--bcher-kva.example")] // an internationalized name, kept as its A-labels
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    public void An_admin_domain_is_kept_lower_cased_in_ascii(string given, string kept) => Assert.Equal(kept, DirectoryAdministration.CheckedDomain(given));

    [Fact]
    public void An_admin_domain_that_is_not_a_domain_name_is_refused_with_the_reason() =>
        Assert.Equal("'bü cher.example' is not a valid internationalized domain name (letters, digits and hyphens in each label)",
            Assert.Throws<ArgumentException>(() => DirectoryAdministration.CheckedDomain("bü cher.example")).Message);

    [Fact]
    public void Over_long_labels_and_names_are_not_domain_names()
    {
        Assert.NotNull(DomainNames.Problem(new string('a', 64) + ".test"));
        Assert.NotNull(DomainNames.Problem(string.Join('.', Enumerable.Repeat(new string('a', 63), 4)) + ".test"));
        Assert.Null(DomainNames.Problem(new string('a', 63) + ".test"));
    }

    [Fact]
    public void Scopes_parse_from_lists_and_words_sorted_without_repeats()
    {
        Assert.Equal([AdminScopes.Read, AdminScopes.Write], AdminScopes.Parse(["admin:write, admin:read", "admin:read"], out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("admin:all")]
    [InlineData("ADMIN:READ")]
    [InlineData("")]
    public void An_unknown_or_missing_scope_is_a_problem(string words)
    {
        Assert.Null(AdminScopes.Parse([words], out var problem));
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData(null, BearerCredentials.Kind.Absent, "")]
    [InlineData("  ", BearerCredentials.Kind.Absent, "")]
    [InlineData("Bearer abc", BearerCredentials.Kind.Bearer, "abc")]
    [InlineData("bearer   abc  ", BearerCredentials.Kind.Bearer, "abc")]
    [InlineData("Bearer", BearerCredentials.Kind.OtherScheme, "")]
    [InlineData("Basic YTpi", BearerCredentials.Kind.OtherScheme, "")]
    public void The_bearer_token_is_read_from_the_authorization_header(string? header, BearerCredentials.Kind kind, string token)
    {
        Assert.Equal(kind, BearerCredentials.Read(header, out string read));
        Assert.Equal(token, read);
    }
}
