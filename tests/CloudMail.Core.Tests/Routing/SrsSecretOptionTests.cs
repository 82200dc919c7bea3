using CloudMail.Core.Routing;

namespace CloudMail.Core.Tests.Routing;

/// <summary>The SRS secret setting: a Key Vault reference the platform could not resolve is refused at start.</summary>
public sealed class SrsSecretOptionTests
{
    [Fact]
    public void An_unresolved_Key_Vault_reference_is_not_a_secret()
    {
        var options = new RoutingOptions { SrsSecret = "@Microsoft.KeyVault(VaultName=kv-mail;SecretName=srs-secret)" };

        Assert.Contains(options.Problems(), p => p.Contains("unresolved Key Vault reference", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a-resolved-secret-of-32-characters")]
    public void An_empty_or_real_secret_is_fine(string secret)
    {
        Assert.Empty(new RoutingOptions { SrsSecret = secret }.Problems());
    }
}
