using System.Text;
using MimeKit;

namespace CloudMail.Core.Messages;

/// <summary>
/// The addresses a message names as its author or sender: every mailbox of every <c>From</c> and <c>Sender</c> field of
/// its header block (RFC 5322 §3.6.2; group members included). A submission server checks that the user may use each of
/// them, as it checks MAIL FROM. Fields are found as the SMTP server's header scan finds them: any line that starts with
/// the name and a colon (white space allowed before the colon, RFC 5322 §4.5), with its continuation lines, wherever it
/// is in the block; so a line that is not a field does not hide the fields after it. The resent block of a redirect is
/// read apart (<see cref="ReadResent"/>). Pure; never throws on client input.
/// </summary>
public static class AuthorAddresses
{
    /// <summary>
    /// The addresses of <paramref name="block"/> (the header lines, with or without the empty line that ends them; CRLF
    /// or bare LF), in order; empty when it has no From or Sender field. Null when such a field names no mailbox (empty,
    /// a group of nobody, not an address list): nobody could be checked, so the caller treats it as a foreign author.
    /// </summary>
    public static IReadOnlyList<string>? Read(ReadOnlySpan<byte> block) => Read(block, resent: false);

    /// <summary>
    /// The addresses of the newest resent block (RFC 5322 §3.6.6: a message redirected by a user, as mutt's bounce and
    /// Thunderbird's Redirect send it, keeps its From and names the user in Resent-From, each redirect adding its block at
    /// the top): the first Resent-From field and a Resent-Sender field before the next Resent-From. Empty when the
    /// message has no Resent-From; null as <see cref="Read(ReadOnlySpan{byte})"/>.
    /// </summary>
    public static IReadOnlyList<string>? ReadResent(ReadOnlySpan<byte> block) => Read(block, resent: true);

    private static IReadOnlyList<string>? Read(ReadOnlySpan<byte> block, bool resent)
    {
        var addresses = new List<string>();
        bool seenFrom = false, seenSender = false;
        int i = 0;
        while (i < block.Length)
        {
            int start = i;
            var line = block[start..LineEnd(block, start)];
            if (line.SequenceEqual("\r\n"u8) || line.SequenceEqual("\n"u8)) break; // the empty line ends the header
            i = start + line.Length;
            var (field, valueStart) = AuthorField(line, resent);
            if (field == Field.None) continue;
            if (resent)
            {
                if (field == Field.From && seenFrom) break; // an older block
                if (field == Field.Sender && seenSender) continue;
                seenFrom |= field == Field.From;
                seenSender |= field == Field.Sender;
            }
            while (i < block.Length && block[i] is (byte)' ' or (byte)'\t') i = LineEnd(block, i); // continuation lines (RFC 5322 §2.2.3)
            if (!TryAddMailboxes(block[(start + valueStart)..i], addresses)) return null;
        }
        return resent && !seenFrom ? [] : addresses;
    }

    private enum Field { None, From, Sender }

    private static ReadOnlySpan<byte> ResentPrefix => "Resent-"u8;

    /// <summary>Index just past the LF that ends the line starting at <paramref name="start"/>, or the block's end.</summary>
    private static int LineEnd(ReadOnlySpan<byte> block, int start)
    {
        int lf = block[start..].IndexOf((byte)'\n');
        return lf < 0 ? block.Length : start + lf + 1;
    }

    /// <summary>
    /// Which field <paramref name="line"/> starts, From or Sender (Resent-From or Resent-Sender when <paramref name="resent"/>),
    /// and where its value starts; <see cref="Field.None"/> for any other line.
    /// </summary>
    private static (Field Field, int ValueStart) AuthorField(ReadOnlySpan<byte> line, bool resent)
    {
        int colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t') return (Field.None, -1);
        var name = line[..colon].TrimEnd(" \t"u8);
        if (resent)
        {
            if (name.Length <= ResentPrefix.Length || !Ascii.EqualsIgnoreCase(name[..ResentPrefix.Length], ResentPrefix)) return (Field.None, -1);
            name = name[ResentPrefix.Length..];
        }
        return Ascii.EqualsIgnoreCase(name, "From"u8) ? (Field.From, colon + 1)
            : Ascii.EqualsIgnoreCase(name, "Sender"u8) ? (Field.Sender, colon + 1)
            : (Field.None, -1);
    }

    /// <summary>Adds the mailboxes of one field's value; false when it names none or one is not an address.</summary>
    private static bool TryAddMailboxes(ReadOnlySpan<byte> value, List<string> addresses)
    {
        byte[] raw = value.ToArray();
        if (!InternetAddressList.TryParse(ParserOptions.Default, raw, 0, raw.Length, out var list)) return false;
        int before = addresses.Count;
        foreach (var mailbox in list.Mailboxes)
        {
            if (!MailAddresses.IsPlausible(mailbox.Address)) return false;
            addresses.Add(mailbox.Address);
        }
        return addresses.Count > before;
    }
}
