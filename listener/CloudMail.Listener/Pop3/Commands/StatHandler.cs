using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>STAT (RFC 1939 §5): count and total size of the messages not marked as deleted.</summary>
internal static class StatHandler
{
    public static async Task<bool> HandleAsync(Pop3Session s, StatCommand command, CancellationToken cancellationToken)
    {
        var maildrop = s.Maildrop;
        var (ok, octets) = await s.TryStorageAsync(() => maildrop.LiveSizeAsync(s.Services.Sizes, cancellationToken), null).ConfigureAwait(false);
        if (!ok) return false;
        s.Reply(Pop3Replies.Stat(maildrop.LiveCount, octets));
        return true;
    }
}
