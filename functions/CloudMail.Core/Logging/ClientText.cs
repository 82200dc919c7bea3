using System.Globalization;
using System.Text;

namespace CloudMail.Core.Logging;

/// <summary>
/// A value a client chose (a user name, HELO name, envelope address, mailbox name, SASL mechanism...) on its way into
/// a log message. It renders escaped and bounded, so nothing a client sends can end the log line and start one that
/// looks like the server's own (the kind fail2ban acts on), or hide text with terminal and bidirectional controls:
/// <list type="bullet">
/// <item><description>backslash becomes <c>\\</c>, so every escape below is unambiguous;</description></item>
/// <item><description>CR, LF and TAB become <c>\r</c>, <c>\n</c>, <c>\t</c>; other C0 controls, DEL and C1 controls (NEL among them) become <c>\xNN</c>;</description></item>
/// <item><description>format characters (bidirectional overrides, zero-width characters), the Unicode line and paragraph
/// separators and unpaired surrogates become <c>\uNNNN</c>;</description></item>
/// <item><description>past <see cref="MaxLength"/> characters the rest is cut and counted: <c>...(+N chars)</c>.</description></item>
/// </list>
/// Log methods declare client-supplied parameters as <see cref="ClientText"/>; strings convert implicitly, so call sites
/// pass what they have and cannot forget. Structured sinks see the same escaped text (<see cref="ToString"/>).
/// </summary>
public readonly struct ClientText
{
    /// <summary>Characters of a value kept in a log message (a user name or address is far shorter).</summary>
    public const int MaxLength = 256;

    private readonly string? _value;

    public ClientText(string? value) => _value = value;

    public static implicit operator ClientText(string? value) => new(value);

    /// <summary>The escaped, bounded text; "(null)" for null, as the logging framework writes null.</summary>
    public override string ToString() => Escape(_value);

    /// <summary>
    /// <paramref name="value"/> escaped as described on <see cref="ClientText"/> and cut after
    /// <paramref name="maxLength"/> characters (never inside a surrogate pair). Returns the same string when nothing
    /// needs escaping or cutting. Never throws.
    /// </summary>
    public static string Escape(string? value, int maxLength = MaxLength)
    {
        if (value is null) return "(null)";
        int keep = Math.Clamp(maxLength, 0, value.Length);
        if (keep > 0 && keep < value.Length && char.IsHighSurrogate(value[keep - 1]) && char.IsLowSurrogate(value[keep])) keep--;
        if (keep == value.Length && FirstToEscape(value) < 0) return value;
        var text = new StringBuilder(keep + 16);
        for (int i = 0; i < keep; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < keep && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
                continue;
            }
            if (!NeedsEscape(c))
            {
                text.Append(c);
                continue;
            }
            text.Append(c switch
            {
                '\\' => @"\\",
                '\r' => @"\r",
                '\n' => @"\n",
                '\t' => @"\t",
                <= '\u00ff' => string.Create(CultureInfo.InvariantCulture, $@"\x{(int)c:X2}"),
                _ => string.Create(CultureInfo.InvariantCulture, $@"\u{(int)c:X4}"),
            });
        }
        if (keep < value.Length) text.Append(CultureInfo.InvariantCulture, $"...(+{value.Length - keep} chars)");
        return text.ToString();
    }

    private static int FirstToEscape(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (NeedsEscape(c)) return i;
        }
        return -1;
    }

    /// <summary>Backslash, controls, format characters, line/paragraph separators and (unpaired) surrogates.</summary>
    private static bool NeedsEscape(char c)
    {
        if (c == '\\') return true;
        if (c is >= ' ' and < '\u007f') return false;
        return CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;
    }
}
