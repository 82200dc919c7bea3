using System.Text;

namespace CloudMail.Core.Dkim;

/// <summary>The DNS TXT record that publishes a key's public half (RFC 6376 section 3.6.2).</summary>
public static class DkimDnsRecord
{
    /// <summary>A TXT record's character-strings hold at most 255 octets each (RFC 1035 section 3.3).</summary>
    public const int MaxStringLength = 255;

    /// <summary>The record's owner name: <c>{selector}._domainkey.{domain}</c>.</summary>
    public static string Name(DkimKey key) => $"{key.Selector}._domainkey.{key.Domain}";

    /// <summary>The record's text: <c>v=DKIM1; k=rsa; p=...</c>.</summary>
    public static string Text(DkimKey key) => "v=DKIM1; k=rsa; p=" + DkimKeyGenerator.PublicKeyBase64(key);

    /// <summary>
    /// One zone-file line, <c>{selector}._domainkey.{domain}. IN TXT "..." "..."</c>, the text split into quoted strings
    /// of at most <see cref="MaxStringLength"/> characters (resolvers join them back, RFC 6376 section 3.6.2.2).
    /// </summary>
    public static string ZoneFileLine(DkimKey key)
    {
        string text = Text(key);
        var line = new StringBuilder(Name(key)).Append(". IN TXT");
        for (int i = 0; i < text.Length; i += MaxStringLength)
        {
            line.Append(" \"").Append(text.AsSpan(i, Math.Min(MaxStringLength, text.Length - i))).Append('"');
        }
        return line.ToString();
    }
}
