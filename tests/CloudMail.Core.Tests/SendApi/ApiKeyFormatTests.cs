using CloudMail.Core.SendApi;

namespace CloudMail.Core.Tests.SendApi;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void New_keys_parse_back_into_their_id_and_secret()
    {
        var (id, secret, key) = ApiKeyFormat.NewKey();
        Assert.StartsWith("cm_" + id + "_", key);
        Assert.Equal(ApiKeyFormat.KeyLength, key.Length);
        Assert.True(ApiKeyFormat.TryParse(key, out string parsedId, out string parsedSecret));
        Assert.Equal((id, secret), (parsedId, parsedSecret));
        Assert.True(ApiKeyFormat.SecretMatches(secret, ApiKeyFormat.HashSecret(secret)));
    }

    [Fact]
    public void A_changed_secret_does_not_match()
    {
        var (_, secret, _) = ApiKeyFormat.NewKey();
        string hash = ApiKeyFormat.HashSecret(secret);
        string other = (secret[0] == 'A' ? 'B' : 'A') + secret[1..];
        Assert.False(ApiKeyFormat.SecretMatches(other, hash));
        Assert.False(ApiKeyFormat.SecretMatches(secret, "not-a-hash"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cm_")]
    [InlineData("Bearer cm_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("cm_0123456789ABCDEF_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("cm_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=")]
    [InlineData("xx_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Malformed_keys_do_not_parse(string? key) => Assert.False(ApiKeyFormat.TryParse(key, out _, out _));

    [Fact]
    public void The_created_key_record_does_not_print_its_secret()
    {
        var created = new CloudMail.Core.Directory.CreatedApiKey(new("0123456789abcdef", "example.test", DateTimeOffset.UnixEpoch), "cm_secret");
        Assert.DoesNotContain("cm_secret", created.ToString());
    }
}
