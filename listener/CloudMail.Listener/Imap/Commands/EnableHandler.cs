using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>ENABLE (RFC 5161 §3.1): CONDSTORE can be enabled; unknown capabilities are ignored as the RFC requires.</summary>
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
        }
        s.W.Raw("* ENABLED");
        foreach (string cap in enabled) s.W.Sp().Raw(cap);
        s.W.Crlf();
        return Task.FromResult(ImapCompletion.Ok("ENABLE completed"));
    }
}
