using System.Text;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// AUTHENTICATE PLAIN (RFC 3501 §6.2.2, RFC 4616) with an initial response (SASL-IR, RFC 4959) or after an
/// empty "+ " challenge; a "*" line cancels (tagged BAD). Refused before TLS unless AllowInsecureAuth.
/// </summary>
internal static class AuthenticateHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, AuthenticateCommand command, CancellationToken ct)
    {
        if (command.Mechanism != "PLAIN") return ImapCompletion.No(ImapResponseCodes.Cannot, "Unsupported authentication mechanism");
        if (!s.CanAuthenticate) return ImapCompletion.No(ImapResponseCodes.PrivacyRequired, "Authentication is disabled until STARTTLS");

        string? response = command.InitialResponse;
        if (response is null)
        {
            s.W.Raw("+ ").Crlf();
            await s.Out.FlushAsync(ct).ConfigureAwait(false);
            response = await s.ReadLineAsync(ct).ConfigureAwait(false);
            if (response is null) return ImapCompletion.AlreadySent;
            if (response == "*") return ImapCompletion.Bad("Authentication cancelled");
        }

        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(response);
        }
        catch (FormatException)
        {
            return ImapCompletion.Bad("Invalid base64 in authentication response");
        }
        // RFC 4616 §2: message = [authzid] NUL authcid NUL passwd.
        string[] parts = Encoding.UTF8.GetString(decoded).Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0 || parts[2].Length == 0)
            return ImapCompletion.Bad("Malformed PLAIN response");
        if (parts[0].Length > 0 && !parts[0].Equals(parts[1], StringComparison.OrdinalIgnoreCase))
            return ImapCompletion.No(ImapResponseCodes.AuthorizationFailed, "Acting as another user is not allowed", isError: true);
        return await s.LoginAsync(parts[1], parts[2], "PLAIN", ct).ConfigureAwait(false);
    }
}
