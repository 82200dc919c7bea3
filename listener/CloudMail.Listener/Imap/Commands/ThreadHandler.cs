using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Sorting;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// THREAD / UID THREAD (RFC 5256 §3): the messages matching the search keys (evaluated as SEARCH does), threaded by
/// ORDEREDSUBJECT or REFERENCES and answered as <c>* THREAD (..)(..)</c> with sequence numbers or UIDs. The charset may be
/// UTF-8 or US-ASCII. The threads of a THREAD whose search matched every message are kept in the process's
/// <see cref="ImapServices.Threads"/> and given again to the same command over the same messages when its search matches
/// every message too (a webmail client's threaded message list, page after page).
/// </summary>
internal static class ThreadHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, ThreadCommand command, CancellationToken ct)
    {
        if (SearchMatches.RefuseCharset(s, command.Charset, mandatory: true) is { } refused) return refused;
        var selected = s.Selected!;
        // Only the threads of every message are kept (those of some messages are not a part of them, RFC 5256 §2.2): a
        // search matching every message (ALL, or UNDELETED with nothing deleted, as webmail clients send) gets them back.
        // Another key is evaluated first only when threads are kept, and evaluated again below when it matched fewer.
        string name = $"THREAD {command.Algorithm}{(command.Uid ? " UID" : "")}";
        string? threads = null;
        if (s.Services.Threads.Holds(s.Account, selected.UidValidity, name, selected.Uids)
            && (command.Key is SearchAll || (await SearchMatches.FindAsync(s, command.Key, structures: false, ct).ConfigureAwait(false)).Count == selected.Count))
        {
            threads = s.Services.Threads.Get(s.Account, selected.UidValidity, name, selected.Uids);
        }
        if (threads is null)
        {
            var found = await SearchMatches.FindOrderedAsync(s, command.Key, ct).ConfigureAwait(false);
            var messages = found.ConvertAll(f => SortFields.Threadable(f.Match, f.Values, command.Uid));
            var roots = command.Algorithm == ThreadAlgorithm.OrderedSubject
                ? OrderedSubjectThreader.Thread(messages)
                : ReferencesThreader.Thread(messages);
            threads = roots.Count > 0 ? ThreadNode.Format(roots) : "";
            if (found.Count == selected.Count && found.Count > 0)
                s.Services.Threads.Add(s.Account, selected.UidValidity, name, selected.Uids.ToArray(), threads);
        }
        var w = s.W;
        w.Raw("* THREAD");
        if (threads.Length > 0) w.Sp().Raw(threads);
        w.Crlf();
        return ImapCompletion.Ok(command.Name + " completed");
    }
}
