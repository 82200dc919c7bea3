using System.Text;
using System.Text.Unicode;

namespace CloudMail.Protocols.Sasl;

/// <summary>The text fields SASL mechanisms carry: UTF-8 without NUL (RFC 4616 §2, RFC 4422 §3.4.1), at most 255 octets.</summary>
internal static class SaslText
{
    /// <summary>RFC 4616 §2: authzid, authcid and passwd are each at most 255 octets; LOGIN fields likewise.</summary>
    public const int MaxFieldLength = 255;

    /// <summary>False unless <paramref name="field"/> is valid UTF-8 without NUL and at most <see cref="MaxFieldLength"/> octets.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> field, out string text)
    {
        text = string.Empty;
        if (field.Length > MaxFieldLength || field.IndexOf((byte)0) >= 0 || !Utf8.IsValid(field)) return false;
        text = Encoding.UTF8.GetString(field);
        return true;
    }
}
