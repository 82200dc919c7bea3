using CloudMail.Core.Auth;
using CloudMail.Core.Directory;

namespace CloudMail.SendApi;

/// <summary>
/// Turns the request's credentials into an API key record: <c>Authorization: Bearer &lt;key&gt;</c> (RFC 6750 §2.1)
/// or <c>X-Api-Key: &lt;key&gt;</c>. Problems are 401 and never echo what was presented.
/// </summary>
public sealed class ApiKeyAuthenticator(IApiKeyStore keys)
{
    public async Task<Checked<ApiKeyInfo>> AuthenticateAsync(SendApiCall call, CancellationToken cancellationToken)
    {
        string? presented = null;
        switch (BearerCredentials.Read(call.Authorization, out string token))
        {
            case BearerCredentials.Kind.Bearer:
                presented = token;
                break;
            case BearerCredentials.Kind.OtherScheme when string.IsNullOrWhiteSpace(call.ApiKeyHeader):
                return Checked<ApiKeyInfo>.Fail(ApiProblem.Unauthorized("The Authorization header must use the Bearer scheme: 'Authorization: Bearer <api key>'."));
        }
        presented ??= call.ApiKeyHeader?.Trim();
        if (string.IsNullOrEmpty(presented))
            return Checked<ApiKeyInfo>.Fail(ApiProblem.Unauthorized("No API key was sent. Send 'Authorization: Bearer <api key>' or 'X-Api-Key: <api key>'; create a key with 'cloudmail apikey create DOMAIN'."));
        var key = await keys.VerifyAsync(presented, cancellationToken).ConfigureAwait(false);
        return key is null
            ? Checked<ApiKeyInfo>.Fail(ApiProblem.Unauthorized("The API key is not valid: it is unknown, revoked or mistyped."))
            : Checked<ApiKeyInfo>.Ok(key);
    }
}
