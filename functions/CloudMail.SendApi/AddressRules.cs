using CloudMail.Core.Messages;
using MimeKit;

namespace CloudMail.SendApi;

/// <summary>Parses one mailbox given by a client (<c>addr@domain</c> or <c>Name &lt;addr@domain&gt;</c>) without throwing.</summary>
public static class AddressRules
{
    /// <summary>The mailbox, or null with <paramref name="problem"/> saying what is wrong.</summary>
    public static MailboxAddress? Parse(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "must be an address such as alice@example.com";
            return null;
        }
        foreach (char c in text)
        {
            if (c < ' ' || c == '\u007f')
            {
                problem = "must not contain line breaks or control characters";
                return null;
            }
        }
        if (!MailboxAddress.TryParse(text, out var mailbox) || mailbox is null || !MailAddresses.IsPlausible(mailbox.Address))
        {
            problem = $"'{Shorten(text)}' is not a single valid address (expected alice@example.com or \"Alice <alice@example.com>\")";
            return null;
        }
        return mailbox;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
