using CloudMail.Core.Messages;
using CloudMail.Core.SendApi;

namespace CloudMail.Core.Tests.SendApi;

public sealed class IdempotencyKeysTests
{
    [Fact]
    public void Derived_ids_are_deterministic_message_ids()
    {
        string id = IdempotencyKeys.DeriveMessageId("0123456789abcdef", "order-42");
        Assert.True(MessageIds.IsValid(id), id);
        Assert.Equal(id, IdempotencyKeys.DeriveMessageId("0123456789abcdef", "order-42"));
    }

    [Fact]
    public void Derived_ids_differ_by_api_key_and_by_idempotency_key()
    {
        string id = IdempotencyKeys.DeriveMessageId("0123456789abcdef", "order-42");
        Assert.NotEqual(id, IdempotencyKeys.DeriveMessageId("fedcba9876543210", "order-42"));
        Assert.NotEqual(id, IdempotencyKeys.DeriveMessageId("0123456789abcdef", "order-43"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("a\r\nb", "printable ASCII")]
    [InlineData("clé", "printable ASCII")]
    public void Bad_idempotency_keys_are_explained(string value, string expected) =>
        Assert.Contains(expected, IdempotencyKeys.Problem(value, 255));

    [Fact]
    public void Long_idempotency_keys_are_refused()
    {
        Assert.Null(IdempotencyKeys.Problem(new string('k', 255), 255));
        Assert.Contains("at most 255", IdempotencyKeys.Problem(new string('k', 256), 255));
    }
}

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
