using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// ENABLE (RFC 5161 §3.1): CONDSTORE and QRESYNC (which enables CONDSTORE too, RFC 7162 §3.2.3) can be enabled; unknown
/// capabilities are ignored as the RFC requires. ENABLED lists what this command newly enabled.
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
                s.CondStore = true;
                enabled.Add(ImapCapabilities.CondStore);
            }
            else if (cap.Equals(ImapCapabilities.QResync, StringComparison.OrdinalIgnoreCase) && !s.QResync)
            {
                s.QResync = s.CondStore = true;
                enabled.Add(ImapCapabilities.QResync);
            }
        }
        s.W.Raw("* ENABLED");
        foreach (string cap in enabled) s.W.Sp().Raw(cap);
        s.W.Crlf();
        return Task.FromResult(ImapCompletion.Ok("ENABLE completed"));
    }
}
