using System.Net;
using CloudMail.Core.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CloudMail.Listener.Http.ClientSetup;

/// <summary>
/// <c>GET /apple/mail.mobileconfig</c>: the Apple profile (<see cref="AppleMailProfile"/>) of the user that HTTP Basic
/// authentication (RFC 7617) names. 401 with a challenge without valid credentials (a failure counts against the login
/// throttle like a failed IMAP login); 403 over plain HTTP from another host (the password would have crossed the
/// network in the clear).
/// </summary>
internal static class AppleProfileEndpoint
{
    public static void Map(IEndpointRouteBuilder app, string host, AdvertisedPorts ports, Authenticator authenticator) =>
        app.MapGet(ClientSetupEndpoints.AppleProfilePath, (RequestDelegate)(async context =>
        {
            var remote = context.Connection.RemoteIpAddress;
            if (!context.Request.IsHttps && (remote is null || !IPAddress.IsLoopback(remote)))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("Use HTTPS: a password must not cross the network in plaintext.\n").ConfigureAwait(false);
                return;
            }
            if (BasicCredentials.Read(context.Request.Headers.Authorization.ToString()) is not var (user, password)
                || await authenticator.AuthenticateAsync(user, password, remote?.ToString() ?? "", context.RequestAborted).ConfigureAwait(false)
                    is not { Status: AuthStatus.Succeeded, Account: { } account })
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"CloudMail\", charset=\"UTF-8\"";
                return;
            }
            context.Response.Headers.ContentDisposition = "attachment; filename=\"mail.mobileconfig\"";
            await ClientSetupEndpoints.WriteAsync(context, AppleMailProfile.ContentType, AppleMailProfile.Document(account, host, ports.Current())).ConfigureAwait(false);
        }));
}
