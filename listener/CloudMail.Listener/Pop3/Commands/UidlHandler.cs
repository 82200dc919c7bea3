using System.Globalization;
using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>UIDL [msg] (RFC 1939 §7): "n unique-id" (see <see cref="Pop3Maildrop.UniqueId"/>).</summary>
internal static class UidlHandler
{
    public static async Task<bool> HandleAsync(Pop3Session s, UidlCommand command, CancellationToken cancellationToken)
    {
        var maildrop = s.Maildrop;
        if (command.Message is { } number)
        {
            if (!maildrop.TryGet(number, out _, out string error))
            {
                s.Error(error);
                return false;
            }
            s.Reply(Pop3Replies.ScanLine(number, maildrop.UniqueId(number)));
            return true;
        }
        s.Reply(Pop3Replies.UniqueIdListFollows);
        foreach (int n in maildrop.LiveNumbers)
        {
            s.Reply(string.Create(CultureInfo.InvariantCulture, $"{n} {maildrop.UniqueId(n)}"));
            await s.Connection.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }
        s.Reply(Pop3Replies.Terminator);
        return true;
    }
}
