using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CloudMail.Filtering.Spf;

/// <summary>
/// Macro strings of RFC 7208 §7: <c>%{letter digits r delimiters}</c>, <c>%%</c>, <c>%_</c>, <c>%-</c>. <see cref="IsValid"/> is
/// the syntax check of §7.1 (letters c, r and t only in explanations); <see cref="ExpandAsync"/> the expansion of §7.3
/// (split on the delimiters, reverse, keep the rightmost parts, join with dots; an upper-case letter URL-escapes).
/// </summary>
public static class SpfMacro
{
    private const string Delimiters = ".-+,/_=";

    /// <summary>True when <paramref name="text"/> is a macro-string (§7.1); <paramref name="explanation"/> allows c, r, t.</summary>
    public static bool IsValid(string text, bool explanation)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '%')
            {
                if (c < 0x21 || c > 0x7e) { if (!(explanation && c == ' ')) return false; }
                continue;
            }
            if (i + 1 >= text.Length) return false;
            char next = text[++i];
            if (next is '%' or '_' or '-') continue;
            if (next != '{') return false;
            int close = text.IndexOf('}', i);
            if (close < 0 || !TryParseMacro(text[(i + 1)..close], explanation, out _)) return false;
            i = close;
        }
        return true;
    }

    /// <summary>
    /// Expands <paramref name="text"/> (already valid) for <paramref name="context"/>. In a domain-spec
    /// (<paramref name="explanation"/> false) a result over 253 characters loses labels on the left until it fits (§7.3).
    /// </summary>
    public static async Task<string> ExpandAsync(string text, SpfMacroContext context, bool explanation, CancellationToken cancellationToken)
    {
        var sb = new StringBuilder(text.Length + 32);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '%' || i + 1 >= text.Length) { sb.Append(c); continue; }
            char next = text[++i];
            switch (next)
            {
                case '%': sb.Append('%'); continue;
                case '_': sb.Append(' '); continue;
                case '-': sb.Append("%20"); continue;
            }
            int close = text.IndexOf('}', i);
            if (close < 0 || !TryParseMacro(text[(i + 1)..close], explanation: true, out var macro)) return text; // IsValid was checked
            string value = await ValueAsync(char.ToLowerInvariant(macro.Letter), context, cancellationToken).ConfigureAwait(false);
            string transformed = Transform(value, macro);
            sb.Append(char.IsAsciiLetterUpper(macro.Letter) ? Uri.EscapeDataString(transformed) : transformed);
            i = close;
        }
        string result = sb.ToString();
        if (!explanation)
        {
            while (result.Length > 253 && result.IndexOf('.') is int dot and >= 0) result = result[(dot + 1)..];
        }
        return result;
    }

    private readonly record struct Macro(char Letter, int Keep, bool Reverse, string Delimiters);

    private static bool TryParseMacro(string inner, bool explanation, out Macro macro)
    {
        macro = default;
        if (inner.Length == 0) return false;
        char letter = inner[0];
        string allowed = explanation ? "slodiphcrtv" : "slodiphv";
        if (!allowed.Contains(char.ToLowerInvariant(letter), StringComparison.Ordinal)) return false;
        int i = 1, keep = 0;
        while (i < inner.Length && char.IsAsciiDigit(inner[i])) { keep = Math.Min(keep * 10 + (inner[i] - '0'), 1000); i++; }
        if (i > 1 && keep == 0) return false; // §7.3: a DIGIT transformer must be nonzero
        bool reverse = false;
        if (i < inner.Length && inner[i] is 'r' or 'R') { reverse = true; i++; }
        string delimiters = inner[i..];
        if (delimiters.Any(d => !Delimiters.Contains(d, StringComparison.Ordinal))) return false;
        macro = new Macro(letter, keep, reverse, delimiters.Length == 0 ? "." : delimiters);
        return true;
    }

    private static string Transform(string value, Macro macro)
    {
        if (macro.Keep == 0 && !macro.Reverse && macro.Delimiters == ".") return value;
        string[] parts = value.Split(macro.Delimiters.ToCharArray());
        if (macro.Reverse) Array.Reverse(parts);
        if (macro.Keep > 0 && macro.Keep < parts.Length) parts = parts[^macro.Keep..];
        return string.Join('.', parts);
    }

    private static async Task<string> ValueAsync(char letter, SpfMacroContext context, CancellationToken cancellationToken) => letter switch
    {
        's' => context.Sender,
        'l' => context.LocalPart,
        'o' => context.SenderDomain,
        'd' => context.Domain,
        'i' => DottedAddress(context),
        'p' => context.ValidatedName is null ? "unknown" : await context.ValidatedName(cancellationToken).ConfigureAwait(false),
        'v' => context.Ip.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "in-addr",
        'h' => context.Helo,
        'c' => context.Ip.ToString(),
        'r' => context.ReceivingHost.Length == 0 ? "unknown" : context.ReceivingHost,
        't' => context.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        _ => string.Empty,
    };

    /// <summary>%{i}: IPv4 dotted quad; IPv6 as 32 dot-separated nibbles (§7.3).</summary>
    private static string DottedAddress(SpfMacroContext context)
    {
        if (context.Ip.AddressFamily != AddressFamily.InterNetworkV6) return context.Ip.ToString();
        byte[] bytes = context.Ip.GetAddressBytes();
        var sb = new StringBuilder(63);
        foreach (byte b in bytes)
        {
            if (sb.Length > 0) sb.Append('.');
            sb.Append("0123456789abcdef"[b >> 4]).Append('.').Append("0123456789abcdef"[b & 0xf]);
        }
        return sb.ToString();
    }
}
