using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// ENABLE (RFC 5161 §3.1): CONDSTORE, QRESYNC (which enables CONDSTORE too, RFC 7162 §3.2.3), IMAP4rev2 (RFC 9051,
/// <see cref="ImapSession.Rev2"/>) and UTF8=ACCEPT can be enabled; unknown capabilities are ignored as the RFC requires. ENABLED lists what this command newly enabled.
/// UTF8=ACCEPT (RFC 6855 §3) switches mailbox names to UTF-8 both ways (reader and writer), lets APPEND take UTF8
/// (literal8) data, and makes search strings UTF-8 without a charset label (<see cref="ImapSession.Utf8Accept"/>).
/// </summary>
internal static class EnableHandler
{
    public static Task<ImapCompletion> HandleAsync(ImapSession s, EnableCommand command, CancellationToken ct)
    {
        var enabled = new List<string>();
        foreach (string cap in command.Capabilities)
        {
            if (cap.Equals(ImapCapabilities.CondStore, StringComparison.OrdinalIgnoreCase) && !s.CondStore)
            {
                s.EnableCondStore();
                enabled.Add(ImapCapabilities.CondStore);
            }
            else if (cap.Equals(ImapCapabilities.QResync, StringComparison.OrdinalIgnoreCase) && !s.QResync)
            {
                s.QResync = true;
                s.EnableCondStore();
                enabled.Add(ImapCapabilities.QResync);
            }
            else if (cap.Equals(ImapCapabilities.Imap4Rev2, StringComparison.OrdinalIgnoreCase) && !s.Rev2)
            {
                // RFC 9051 §5.1, Appendix E: IMAP4rev2 mailbox names are UTF-8, both ways.
                s.Rev2 = true;
                s.Reader.Utf8Accept = true;
                s.W.Utf8MailboxNames = true;
                enabled.Add(ImapCapabilities.Imap4Rev2);
            }
            else if (cap.Equals(ImapCapabilities.Utf8Accept, StringComparison.OrdinalIgnoreCase) && !s.Utf8Accept)
            {
                s.Utf8Accept = true;
                s.Reader.Utf8Accept = true;
                s.W.Utf8MailboxNames = true;
                enabled.Add(ImapCapabilities.Utf8Accept);
            }
        }
        s.W.Raw("* ENABLED");
        foreach (string cap in enabled) s.W.Sp().Raw(cap);
        s.W.Crlf();
        return Task.FromResult(ImapCompletion.Ok("ENABLE completed"));
    }
}
