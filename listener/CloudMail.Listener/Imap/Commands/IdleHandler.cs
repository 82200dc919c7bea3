using System.IO.Pipelines;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// IDLE (RFC 2177): "+ idling", then changes to the selected mailbox are pushed (EXISTS, EXPUNGE, FETCH FLAGS)
/// as soon as the change notifier fires, and at least every PollInterval for changes made by other processes,
/// until the client sends DONE, and <c>* OK Still here</c> every IdleKeepaliveInterval so that no NAT gateway or load
/// balancer drops the quiet connection. Bounded by the autologout timer. In Azure mode the selected mailbox is watched by the
/// <see cref="ReplicaChangePoller"/> meanwhile, so mail added by another replica fires the notifier within about a second.
/// </summary>
internal static class IdleHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, SimpleCommand command, CancellationToken ct)
    {
        // Watched before "+ idling" goes out: a client may make its change the moment it reads the continuation.
        using IDisposable? watch = s.Selected is { } selected ? s.Services.ReplicaPoller?.Watch(s.Account, selected.Name, selected.KnownModSeq) : null;
        s.W.Continuation("idling");
        await s.Out.FlushAsync(ct).ConfigureAwait(false);
        var time = s.Services.Time;
        long started = time.GetTimestamp();
        TimeSpan keepalive = s.Options.IdleKeepaliveInterval;
        long lastKeepalive = started;
        var lines = new ImapLineReader(s.Options.MaxCommandLength);
        Task<ReadResult>? read = null;
        Task? poll = null; // kept across wake-ups: a timer per notification would pile up for PollInterval each
        bool refresh = true;
        while (true)
        {
            if (refresh)
            {
                s.Changed.Reset();
                await s.ReportUpdatesAsync(allowExpunge: true, forceRefresh: true, ct).ConfigureAwait(false);
                if (s.Notify is { } notify && !s.Closing) await s.ReportWatchedMailboxesAsync(notify, ct).ConfigureAwait(false);
                await s.Out.FlushAsync(ct).ConfigureAwait(false);
                if (s.Closing) return ImapCompletion.AlreadySent;
            }
            var remaining = s.Options.IdleTimeout - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                await s.AutoLogoutAsync(ct).ConfigureAwait(false);
                return ImapCompletion.AlreadySent;
            }
            var wait = remaining < s.Options.PollInterval ? remaining : s.Options.PollInterval;
            if (keepalive > TimeSpan.Zero)
            {
                var untilKeepalive = keepalive - time.GetElapsedTime(lastKeepalive);
                if (untilKeepalive <= TimeSpan.Zero)
                {
                    s.W.Untagged(ImapStatus.Ok, null, "Still here");
                    await s.Out.FlushAsync(ct).ConfigureAwait(false);
                    lastKeepalive = time.GetTimestamp();
                    untilKeepalive = keepalive;
                }
                if (poll is null && untilKeepalive < wait) wait = untilKeepalive;
            }
            read ??= s.Connection.Input.ReadAsync(ct).AsTask();
            poll ??= Task.Delay(wait, time, ct);
            var done = await Task.WhenAny(read, s.Changed.WaitAsync(), poll).ConfigureAwait(false);
            if (done != read)
            {
                if (done == poll) poll = null;
                refresh = true;
                continue;
            }
            var result = await read.ConfigureAwait(false);
            read = null;
            var buffer = result.Buffer;
            var status = lines.Read(ref buffer, out string line);
            if (status == ImapLineStatus.NeedMoreData)
            {
                s.Connection.Input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    s.Closing = true;
                    return ImapCompletion.AlreadySent;
                }
                refresh = false;
                continue;
            }
            s.Connection.Input.AdvanceTo(buffer.Start);
            return status == ImapLineStatus.Line && line.Equals("DONE", StringComparison.OrdinalIgnoreCase)
                ? ImapCompletion.Ok("IDLE terminated")
                : ImapCompletion.Bad("Expected DONE");
        }
    }
}
