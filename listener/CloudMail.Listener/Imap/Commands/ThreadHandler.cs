using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Sorting;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// THREAD / UID THREAD (RFC 5256 §3): the messages matching the search keys (evaluated as SEARCH does), threaded by
/// ORDEREDSUBJECT or REFERENCES and answered as <c>* THREAD (..)(..)</c> with sequence numbers or UIDs. The charset may be
/// UTF-8 or US-ASCII.
/// </summary>
internal static class ThreadHandler
{
    public static async Task<ImapCompletion> HandleAsync(ImapSession s, ThreadCommand command, CancellationToken ct)
    {
        if (SearchMatches.RefuseCharset(s, command.Charset, mandatory: true) is { } refused) return refused;
        var found = await SearchMatches.FindOrderedAsync(s, command.Key, ct).ConfigureAwait(false);
        var messages = found.ConvertAll(f => SortFields.Threadable(f.Match, f.Values, command.Uid));
        var threads = command.Algorithm == ThreadAlgorithm.OrderedSubject
            ? OrderedSubjectThreader.Thread(messages)
            : ReferencesThreader.Thread(messages);
        var w = s.W;
        w.Raw("* THREAD");
        if (threads.Count > 0) w.Sp().Raw(ThreadNode.Format(threads));
        w.Crlf();
        return ImapCompletion.Ok(command.Name + " completed");
    }
}
