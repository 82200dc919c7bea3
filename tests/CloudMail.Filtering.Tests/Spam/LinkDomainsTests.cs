using System.Text;
using CloudMail.Filtering.Dmarc;
using CloudMail.Filtering.Spam;
using MimeKit;

namespace CloudMail.Filtering.Tests.Spam;

public sealed class LinkDomainsTests
{
    private static readonly PublicSuffixList Suffixes = PublicSuffixList.Embedded();

    private static IReadOnlyList<string> Of(string raw, int limit = 20) =>
        LinkDomains.Of(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw))), Suffixes, limit);

    [Fact]
    public void Links_in_text_and_html_reduce_to_registrable_domains_once_each_in_order()
    {
        const string raw = "From: a@remote.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n"
            + "Content-Type: text/plain\r\n\r\nSee https://Shop.Example.CO.UK/deal?x=1 and www.news.example.com, or http://user:pw@login.bank.example.org:8080/.\r\n"
            + "--b\r\nContent-Type: text/html\r\n\r\n<a href=\"https://cdn.example.com/i.png\">x</a> <a href='http://192.0.2.7/p'>ip</a> <a href=\"mailto:x@mail.test\">m</a>\r\n--b--\r\n";
        Assert.Equal(["example.co.uk", "example.com", "example.org", "192.0.2.7"], Of(raw));
    }

    [Fact]
    public void Text_that_is_no_link_and_bare_public_suffixes_are_left_out()
    {
        const string raw = "From: a@remote.test\r\n\r\nversion 1.2.3, file.txt, http://co.uk/, http://localhost/, https://-bad-.example/, http://[2001:db8::1]/\r\n";
        Assert.Empty(Of(raw));
    }

    [Fact]
    public void Internationalized_names_are_given_in_ascii_and_the_limit_holds()
    {
        Assert.Equal(["xn--bcher-kva.example"], Of("From: a@remote.test\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhttps://www.bücher.example/\r\n"));
        string many = string.Concat(Enumerable.Range(0, 30).Select(i => $"http://site{i}.test/ "));
        Assert.Equal(["site0.test", "site1.test", "site2.test"], Of("From: a@remote.test\r\n\r\n" + many + "\r\n", limit: 3));
    }
}
