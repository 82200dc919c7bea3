using MimeKit;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// SEARCH FROM/TO/CC/BCC (and HEADER on an address field) against the parsed addresses: RFC 3501 §6.4.4 asks whether the
/// field "contains the specified string", and a field written <c>"Ann" &lt;ann (work) @ example.test&gt;</c> or folded
/// inside the angle brackets contains <c>ann@example.test</c> to any reader, though not as raw text. A field matches when
/// its decoded text, or a mailbox's display name, address (<c>local@domain</c>) or <c>name &lt;address&gt;</c> form,
/// contains the string (case-insensitive).
/// </summary>
internal static class AddressHeaderMatch
{
    private static readonly HashSet<string> AddressFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Sender", "Reply-To", "Resent-From", "Resent-To", "Resent-Cc", "Resent-Bcc", "Resent-Sender",
    };

    /// <summary>True when <paramref name="field"/> holds addresses (RFC 5322 §3.6.2, §3.6.3, §3.6.6).</summary>
    public static bool IsAddressField(string field) => AddressFields.Contains(field);

    /// <summary>True when one of the addresses parsed from <paramref name="header"/> contains <paramref name="needle"/>.</summary>
    public static bool ParsedAddressesContain(Header header, string needle)
    {
        if (!InternetAddressList.TryParse(ParserOptions.Default, header.RawValue, out var list)) return false;
        foreach (var mailbox in list.Mailboxes)
        {
            if (Contains(mailbox.Address, needle) || Contains(mailbox.Name, needle)) return true;
            if (!string.IsNullOrEmpty(mailbox.Name) && Contains($"{mailbox.Name} <{mailbox.Address}>", needle)) return true;
        }
        return false;
    }

    private static bool Contains(string? haystack, string needle) =>
        haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);
}
