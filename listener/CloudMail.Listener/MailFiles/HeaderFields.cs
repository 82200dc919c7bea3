using System.Text;

namespace CloudMail.Listener.MailFiles;

/// <summary>Reads one header field of a raw message (RFC 5322 §2.2: unfolded, first occurrence). Never throws.</summary>
public static class HeaderFields
{
    /// <summary>The unfolded, trimmed value of the first field named <paramref name="name"/>, or null.</summary>
    public static string? Find(ReadOnlySpan<byte> message, string name)
    {
        byte[] prefix = Encoding.ASCII.GetBytes(name + ":");
        int position = 0;
        while (position < message.Length)
        {
            int lf = message[position..].IndexOf((byte)'\n');
            int end = lf < 0 ? message.Length : position + lf + 1;
            ReadOnlySpan<byte> line = message[position..end];
            if (line.TrimEnd("\r\n"u8).IsEmpty) return null; // end of the header
            if (line.Length >= prefix.Length && Ascii.EqualsIgnoreCase(line[..prefix.Length], prefix))
            {
                var value = new StringBuilder(Encoding.Latin1.GetString(line[prefix.Length..]).TrimEnd('\r', '\n'));
                for (int next = end; next < message.Length && message[next] is (byte)' ' or (byte)'\t';)
                {
                    int nextLf = message[next..].IndexOf((byte)'\n');
                    int nextEnd = nextLf < 0 ? message.Length : next + nextLf + 1;
                    value.Append(Encoding.Latin1.GetString(message[next..nextEnd]).TrimEnd('\r', '\n'));
                    next = nextEnd;
                }
                return value.ToString().Trim();
            }
            position = end;
        }
        return null;
    }
}
