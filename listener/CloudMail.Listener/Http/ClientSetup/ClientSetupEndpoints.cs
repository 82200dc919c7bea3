using System.Text;
using CloudMail.Core.Auth;
using CloudMail.Core.Directory;
using CloudMail.Core.DnsSetup;
using CloudMail.Core.Messages;
using CloudMail.Listener.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CloudMail.Listener.Http.ClientSetup;

/// <summary>
/// What mail clients and sending servers fetch over HTTP(S) to set themselves up, for local domains only (anything else
/// is 404): the MTA-STS policy (RFC 8461 section 3.3, on the <c>mta-sts.DOMAIN</c> host name), Thunderbird autoconfig
/// (domain from <c>emailaddress</c>, else from the <c>autoconfig.DOMAIN</c> host name) and Outlook autodiscover (domain of
/// the requested address), and an Apple configuration profile for a signed-in user (<see cref="AppleMailProfile"/>: HTTP
/// Basic with the account's address and password, checked like any login; only over HTTPS or from loopback, never a
/// password in plaintext across a network). The server's host name and ports come from the configuration, as
/// <c>cloudmail dns records</c> announces them (<see cref="AdvertisedPorts"/>).
/// </summary>
internal static class ClientSetupEndpoints
{
    public static readonly string[] Paths =
        [MtaStsPolicyFile.WellKnownPath, "/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml", "/autodiscover/autodiscover.xml", AppleProfilePath];

    /// <summary>Where a signed-in user downloads the Apple configuration profile of their account.</summary>
    public const string AppleProfilePath = "/apple/mail.mobileconfig";

    public static void Map(IEndpointRouteBuilder app, IMailDirectory directory, CloudMailOptions server, MtaStsPublishingOptions mtaSts, AdvertisedPorts ports,
        Authenticator authenticator)
    {
        string host = server.HostName.TrimEnd('.').ToLowerInvariant();
        app.MapGet(Paths[0], (RequestDelegate)(async context =>
        {
            string? domain = DomainUnder(context.Request.Host.Host, "mta-sts.");
            if (domain is null || !await directory.IsLocalDomainAsync(domain, context.RequestAborted).ConfigureAwait(false) || mtaSts.Mode == "none")
            {
                await NotFoundAsync(context).ConfigureAwait(false);
                return;
            }
            await WriteAsync(context, "text/plain; charset=us-ascii", mtaSts.PolicyFor(host).Text).ConfigureAwait(false);
        }));
        foreach (string path in Paths[1..3])
        {
            app.MapGet(path, (RequestDelegate)(async context =>
            {
                string? address = context.Request.Query["emailaddress"].FirstOrDefault();
                string? domain = address is not null ? DomainOf(address) : DomainUnder(context.Request.Host.Host, "autoconfig.");
                if (domain is null || !await directory.IsLocalDomainAsync(domain, context.RequestAborted).ConfigureAwait(false))
                {
                    await NotFoundAsync(context).ConfigureAwait(false);
                    return;
                }
                await WriteAsync(context, ThunderbirdAutoconfig.ContentType, ThunderbirdAutoconfig.Document(domain, host, ports.Current())).ConfigureAwait(false);
            }));
        }
        app.MapPost(Paths[3], (RequestDelegate)(async context =>
        {
            byte[] body = await ReadCappedAsync(context).ConfigureAwait(false);
            string? address = OutlookAutodiscover.EmailAddressOf(body);
            string? domain = address is null ? null : DomainOf(address);
            if (domain is null || !await directory.IsLocalDomainAsync(domain, context.RequestAborted).ConfigureAwait(false))
            {
                await NotFoundAsync(context).ConfigureAwait(false);
                return;
            }
            await WriteAsync(context, OutlookAutodiscover.ContentType, OutlookAutodiscover.Response(address!, host, ports.Current())).ConfigureAwait(false);
        }));
        AppleProfileEndpoint.Map(app, host, ports, authenticator);
    }

    /// <summary>The domain of <paramref name="address"/> (lower case), or null when it is not an address.</summary>
    private static string? DomainOf(string address)
    {
        int at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1 || address.Length > 320) return null;
        return MailAddresses.Normalize(address)[(at + 1)..];
    }

    /// <summary>The domain in a host name <paramref name="prefix"/>DOMAIN, or null.</summary>
    private static string? DomainUnder(string hostHeader, string prefix)
    {
        string host = hostHeader.TrimEnd('.').ToLowerInvariant();
        return host.StartsWith(prefix, StringComparison.Ordinal) && host.Length > prefix.Length ? host[prefix.Length..] : null;
    }

    private static async Task<byte[]> ReadCappedAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[4096];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > OutlookAutodiscover.MaxRequestBytes) return [];
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    internal static async Task WriteAsync(HttpContext context, string contentType, string body)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}
