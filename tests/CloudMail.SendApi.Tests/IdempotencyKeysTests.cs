using CloudMail.Core.Messages;

namespace CloudMail.SendApi.Tests;

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
