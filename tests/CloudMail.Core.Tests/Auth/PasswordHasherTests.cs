using CloudMail.Core.Auth;

namespace CloudMail.Core.Tests.Auth;

public sealed class PasswordHasherTests
{
    [Fact]
    public void Hash_verifies_the_same_password_and_rejects_another()
    {
        string hash = PasswordHasher.Hash("correct horse", iterations: 1000);
        Assert.True(PasswordHasher.Verify("correct horse", hash));
        Assert.False(PasswordHasher.Verify("correct horsE", hash));
        Assert.False(PasswordHasher.Verify("", hash));
    }

    [Fact]
    public void Same_password_hashes_differently_each_time_because_of_the_salt()
    {
        Assert.NotEqual(PasswordHasher.Hash("pw-123456", 1000), PasswordHasher.Hash("pw-123456", 1000));
    }

    [Fact]
    public void Hash_never_contains_the_password()
    {
        Assert.DoesNotContain("hunter2-secret", PasswordHasher.Hash("hunter2-secret", 1000));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("$pbkdf2-sha256$")]
    [InlineData("$pbkdf2-sha256$abc$AAAA$AAAA")]
    [InlineData("$pbkdf2-sha256$1000$not-base64!$AAAA")]
    [InlineData("$pbkdf2-sha256$99999999999$AAAA$AAAA")]
    public void Malformed_hash_never_matches_and_never_throws(string hash)
    {
        Assert.False(PasswordHasher.Verify("anything", hash));
    }

    [Fact]
    public void Default_hash_uses_the_default_iteration_count()
    {
        Assert.StartsWith($"$pbkdf2-sha256${PasswordHasher.DefaultIterations}$", PasswordHasher.Hash("pw-123456"));
    }
}
