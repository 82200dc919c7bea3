using System.Text;
using CloudMail.Core.Auth;

namespace CloudMail.Core.Tests.Auth;

public sealed class BasicCredentialsTests
{
    private static string Header(string userPass) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userPass));

    [Fact]
    public void User_and_password_are_split_at_the_first_colon_in_utf8()
    {
        Assert.Equal(("jürgen@a.test", "pa:ss"), BasicCredentials.Read(Header("jürgen@a.test:pa:ss")));
        Assert.Equal(("a", ""), BasicCredentials.Read("basic " + Convert.ToBase64String("a:"u8.ToArray())));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("Basic not-base64!")]
    [InlineData("Basic bm9jb2xvbg==")] // "nocolon"
    [InlineData("Basic OnBhc3M=")] // ":pass", no user
    [InlineData("Basic /w==")] // 0xFF, not UTF-8
    public void Anything_else_is_null(string? header) => Assert.Null(BasicCredentials.Read(header));
}
