using CloudMail.Core.Auth;

namespace CloudMail.Core.Tests.Auth;

public sealed class UserNamesTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t \u00a0")]
    public void Blank_names_are_refused(string? name) => Assert.Equal(UserNameProblem.Blank, UserNames.Check(name));

    [Theory]
    [InlineData("alice@x.test\r\nIMAP login of admin@x.test")]
    [InlineData("alice\n@x.test")]
    [InlineData("alice\0@x.test")]
    [InlineData("alice\u0007@x.test")]
    [InlineData("alice\u001b[2J@x.test")]
    [InlineData("alice\u007f@x.test")]
    [InlineData("alice\u0085@x.test")]
    [InlineData("alice\u2028@x.test")]
    public void Names_with_control_characters_are_refused(string name) =>
        Assert.Equal(UserNameProblem.ControlCharacter, UserNames.Check(name));

    [Fact]
    public void Names_are_limited_to_255_octets_of_utf8()
    {
        Assert.Null(UserNames.Check(new string('a', 242) + "@example.test"));
        Assert.Equal(UserNameProblem.TooLong, UserNames.Check(new string('a', 243) + "@example.test"));
        Assert.Null(UserNames.Check(new string('é', 121) + "@example.test")); // 242 + 13 octets
        Assert.Equal(UserNameProblem.TooLong, UserNames.Check(new string('é', 122) + "@example.test"));
        Assert.Equal(UserNameProblem.TooLong, UserNames.Check(new string('a', 65536)));
    }

    [Theory]
    [InlineData("alice@x.test")]
    [InlineData("Ålice.Müller+tag@exämple.test")]
    [InlineData(" alice@x.test ")]
    [InlineData("alice")]
    public void Ordinary_names_pass(string name) => Assert.Null(UserNames.Check(name));
}
