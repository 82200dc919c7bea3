namespace CloudMail.Core.Mailboxes.Structure;

/// <summary>Splits an address list field value into its top-level entries, so each can be parsed on its own. Pure.</summary>
internal static class AddressListEntries
{
    /// <summary>
    /// The top-level entries of an address list field value (RFC 5322 §3.4): split at commas outside quoted strings,
    /// comments, angle brackets and groups (a group, <c>name: a, b;</c>, stays one entry). Never throws.
    /// </summary>
    public static List<byte[]> Split(byte[] value)
    {
        var entries = new List<byte[]>();
        int start = 0, comment = 0;
        bool quoted = false, angle = false, group = false;
        for (int i = 0; i < value.Length; i++)
        {
            byte b = value[i];
            if (b == (byte)'\\' && (quoted || comment > 0)) { i++; continue; }
            if (quoted) { if (b == (byte)'"') quoted = false; continue; }
            if (comment > 0) { if (b == (byte)'(') comment++; else if (b == (byte)')') comment--; continue; }
            switch (b)
            {
                case (byte)'"': quoted = true; break;
                case (byte)'(': comment = 1; break;
                case (byte)'<': angle = true; break;
                case (byte)'>': angle = false; break;
                case (byte)':' when !angle: group = true; break;
                case (byte)';' when group: group = false; break;
                case (byte)',' when !angle && !group:
                    entries.Add(value[start..i]);
                    start = i + 1;
                    break;
            }
        }
        entries.Add(value[start..]);
        return entries;
    }
}
