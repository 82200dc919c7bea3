namespace CloudMail.AdminApi.WebConsole;

/// <summary>Reads one cookie from a Cookie header (RFC 6265 §5.4: <c>name=value</c> pairs separated by <c>; </c>). Pure; never throws.</summary>
public static class CookieHeader
{
    /// <summary>The value of the first cookie named <paramref name="name"/>, or null when the header has none (or none that is not empty).</summary>
    public static string? Read(string? header, string name)
    {
        if (string.IsNullOrEmpty(header)) return null;
        foreach (string pair in header.Split(';'))
        {
            int equals = pair.IndexOf('=');
            if (equals <= 0) continue;
            if (!pair.AsSpan(0, equals).Trim().SequenceEqual(name)) continue;
            string value = pair[(equals + 1)..].Trim();
            return value.Length == 0 ? null : value;
        }
        return null;
    }
}
