using CloudMail.Core.Auth;
using CloudMail.Core.Directory;

namespace CloudMail.AdminApi;

/// <summary>
/// Turns <c>Authorization: Bearer &lt;admin key&gt;</c> (RFC 6750 §2.1) into the key's record. Only admin keys
/// (<see cref="IAdminKeyStore"/>) count; a send API key is as unknown here as any other string. Problems are 401 and never
/// echo what was presented.
/// </summary>
public sealed class AdminAuthenticator(IAdminKeyStore keys)
{
    /// <summary>The key's record, or the 401 problem.</summary>
    public async Task<(AdminKeyInfo? Key, AdminProblem? Problem)> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        switch (BearerCredentials.Read(authorization, out string token))
        {
            case BearerCredentials.Kind.Absent:
                return (null, AdminProblem.Unauthorized(
                    "No admin API key was sent. Send 'Authorization: Bearer <admin key>'; create a key with 'cloudmail admin-key create --scope admin:read,admin:write'.", false));
            case BearerCredentials.Kind.OtherScheme:
                return (null, AdminProblem.Unauthorized("The Authorization header must use the Bearer scheme: 'Authorization: Bearer <admin key>'.", false));
        }
        var key = await keys.VerifyAsync(token, cancellationToken).ConfigureAwait(false);
        return key is null
            ? (null, AdminProblem.Unauthorized("The admin API key is not valid: it is unknown, revoked or mistyped.", true))
            : (key, null);
    }
}
