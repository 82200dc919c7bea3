using Azure.Core;

namespace CloudMail.Tests.Shared;

/// <summary>
/// The managed identity as <see cref="FakeKeyVault"/>'s callers see it: always the same bearer token, valid for an hour,
/// and the scopes it was asked for, in order (a test double: no identity endpoint exists here).
/// </summary>
internal sealed class FakeVaultToken(string token) : TokenCredential
{
    private readonly List<string> _scopes = [];

    /// <summary>Every scope requested so far.</summary>
    public IReadOnlyList<string> Scopes
    {
        get { lock (_scopes) return [.. _scopes]; }
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        lock (_scopes) _scopes.AddRange(requestContext.Scopes);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
