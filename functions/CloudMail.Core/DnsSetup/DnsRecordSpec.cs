using System.Text;

namespace CloudMail.Core.DnsSetup;

/// <summary>DNS record types the setup of a mail domain uses.</summary>
public enum DnsRecordType
{
    Mx,
    Txt,
    Srv,
    Cname,
}

/// <summary>
/// One record a mail domain should publish: owner <see cref="Name"/> (no trailing dot), <see cref="Type"/>, <see cref="Value"/>
/// as the record's data (for TXT the text itself, unquoted; for MX "preference host"; for SRV "priority weight port target";
/// for CNAME the target), and what it is for.
/// </summary>
public sealed record DnsRecordSpec(string Name, DnsRecordType Type, string Value, string Purpose)
{
    /// <summary>A TXT record's character-strings hold at most 255 octets each (RFC 1035 section 3.3).</summary>
    public const int MaxStringLength = 255;

    /// <summary>
    /// The record as one zone-file line (RFC 1035 section 5.1): owner and host names fully qualified, TXT text quoted and
    /// split into strings of at most <see cref="MaxStringLength"/> characters, quotes and backslashes escaped.
    /// </summary>
    public string ZoneFileLine()
    {
        var line = new StringBuilder(Name).Append(". 3600 IN ").Append(Type.ToString().ToUpperInvariant()).Append(' ');
        switch (Type)
        {
            case DnsRecordType.Txt:
                string escaped = Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
                for (int i = 0; i < escaped.Length; i += MaxStringLength)
                {
                    if (i > 0) line.Append(' ');
                    line.Append('"').Append(escaped.AsSpan(i, Math.Min(MaxStringLength, escaped.Length - i))).Append('"');
                }
                break;
            case DnsRecordType.Cname:
                line.Append(Value).Append('.');
                break;
            default:
                line.Append(Value).Append('.'); // MX and SRV end with the target host
                break;
        }
        return line.ToString();
    }
}
