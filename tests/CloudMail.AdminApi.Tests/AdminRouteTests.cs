namespace CloudMail.AdminApi.Tests;

/// <summary>The route table's matching: literal segments exactly, captures one non-empty segment each.</summary>
public sealed class AdminRouteTests
{
    private static readonly AdminRoute Route = new("PUT", "users/{address}/password", "admin:write", (_, _) => Task.FromResult(AdminApiResult.NoContent()));

    [Fact]
    public void A_path_of_the_template_captures_its_segment()
    {
        var values = Route.Match(["users", "a@example.test", "password"]);

        Assert.Equal("a@example.test", values!["address"]);
    }

    [Theory]
    [InlineData("users")]
    [InlineData("users/a@example.test")]
    [InlineData("users/a@example.test/passwords")]
    [InlineData("users//password")]
    [InlineData("Users/a@example.test/password")]
    public void Another_path_does_not_match(string path)
    {
        Assert.Null(Route.Match(path.Split('/')));
    }
}
