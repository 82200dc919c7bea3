using System.Globalization;
using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>
/// bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CRLF; chunk-size = 1*DIGIT; end-marker = "LAST"
/// (RFC 3030 §2). Exactly <see cref="Size"/> octets follow the line whatever the reply, so a BDAT whose size
/// cannot be read is fatal: the server cannot tell where the next command starts.
/// </summary>
public sealed record BdatCommand(long Size, bool Last) : SmtpCommand
{
    public const string Usage = "BDAT octets [LAST]";

    public override SmtpVerb Verb => Last ? SmtpVerb.BdatLast : SmtpVerb.Bdat;

    public static SmtpParseResult Parse(ReadOnlySpan<char> arguments)
    {
        int sp = arguments.IndexOf(' ');
        var size = sp < 0 ? arguments : arguments[..sp];
        ReadOnlySpan<char> marker = sp < 0 ? [] : arguments[(sp + 1)..];
        if (size.IsEmpty || size.Length > 18 || !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            return SmtpParseResult.Fatal(SmtpReplies.Syntax(Usage));
        if (marker.IsEmpty) return new BdatCommand(n, false);
        if (marker.Equals("LAST", StringComparison.OrdinalIgnoreCase)) return new BdatCommand(n, true);
        return SmtpParseResult.Fatal(SmtpReplies.Syntax(Usage));
    }
}
