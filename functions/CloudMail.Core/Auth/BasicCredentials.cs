using System.Text;

namespace CloudMail.Core.Auth;

/// <summary>Reads the user and password of an <c>Authorization: Basic</c> header (RFC 7617 §2, UTF-8). Pure; never throws.</summary>
public static class BasicCredentials
{
    /// <summary>The user and password, or null when the header is absent, of another scheme, or malformed.</summary>
    public static (string User, string Password)? Read(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || authorization.Length > 4096) return null;
        Span<byte> decoded = stackalloc byte[authorization.Length];
        if (!Convert.TryFromBase64String(authorization[6..].Trim(), decoded, out int length)) return null;
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(decoded[..length]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        int colon = text.IndexOf(':');
        return colon <= 0 ? null : (text[..colon], text[(colon + 1)..]);
    }
}
