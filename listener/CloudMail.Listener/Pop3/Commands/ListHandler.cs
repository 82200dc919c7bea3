using System.Globalization;
using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>LIST [msg] (RFC 1939 §5): "n size" for one message or every message not marked as deleted.</summary>
internal static class ListHandler
{
    public static async Task<bool> HandleAsync(Pop3Session s, ListCommand command, CancellationToken cancellationToken)
    {
        var maildrop = s.Maildrop;
        if (command.Message is { } number)
        {
            if (!maildrop.TryGet(number, out var message, out string error))
            {
                s.Error(error);
                return false;
            }
            var (ok, size) = await s.TryStorageAsync(() => maildrop.SizeAsync(number, s.Services.Sizes, cancellationToken), message).ConfigureAwait(false);
            if (!ok) return false;
            s.Reply(Pop3Replies.ScanLine(number, size.ToString(CultureInfo.InvariantCulture)));
            return true;
        }

        var (counted, total) = await s.TryStorageAsync(() => maildrop.LiveSizeAsync(s.Services.Sizes, cancellationToken), null).ConfigureAwait(false);
        if (!counted) return false;
        var sizes = new List<(int Number, long Size)>();
        foreach (int n in maildrop.LiveNumbers)
        {
            maildrop.TryGet(n, out var message, out _);
            var (ok, size) = await s.TryStorageAsync(() => maildrop.SizeAsync(n, s.Services.Sizes, cancellationToken), message).ConfigureAwait(false);
            if (!ok) return false;
            sizes.Add((n, size));
        }
        s.Reply(Pop3Replies.ScanListFollows(sizes.Count, total));
        foreach (var (n, size) in sizes)
        {
            s.Reply(string.Create(CultureInfo.InvariantCulture, $"{n} {size}"));
            await s.Connection.FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
        }
        s.Reply(Pop3Replies.Terminator);
        return true;
    }
}
