namespace CloudMail.Core.Auth;

/// <summary>Reads the token of an <c>Authorization: Bearer &lt;token&gt;</c> header (RFC 6750 §2.1). Pure; never throws.</summary>
public static class BearerCredentials
{
    /// <summary>What an Authorization header holds.</summary>
    public enum Kind
    {
        /// <summary>No header, or only white space.</summary>
        Absent,

        /// <summary>A Bearer token (in the token).</summary>
        Bearer,

        /// <summary>Another scheme, or a scheme without a token.</summary>
        OtherScheme,
    }

    /// <summary>Classifies <paramref name="authorization"/> and returns the Bearer token (trimmed) in <paramref name="token"/>.</summary>
    public static Kind Read(string? authorization, out string token)
    {
        token = "";
        if (string.IsNullOrWhiteSpace(authorization)) return Kind.Absent;
        string value = authorization.Trim();
        int space = value.IndexOf(' ');
        if (space < 0 || !value[..space].Equals("Bearer", StringComparison.OrdinalIgnoreCase)) return Kind.OtherScheme;
        token = value[(space + 1)..].Trim();
        return Kind.Bearer;
    }
}
