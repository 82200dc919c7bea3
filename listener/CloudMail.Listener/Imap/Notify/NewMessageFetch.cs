using CloudMail.Listener.Imap.Commands;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap.Model;

namespace CloudMail.Listener.Imap.Notify;

/// <summary>
/// The untagged FETCH that follows EXISTS when NOTIFY asked for MessageNew with a fetch-att list (RFC 5465 §5.2):
/// "* seq FETCH (UID n items...)" for each newly announced message. UID is always included so that the client can key
/// the data; body sections are written as BODY.PEEK would be (an unsolicited response never sets \Seen). A message whose
/// bytes are already gone (expunged and reclaimed elsewhere) is skipped: its EXPUNGE follows.
/// </summary>
internal static class NewMessageFetch
{
    public static async Task WriteAsync(ImapSession s, SelectedMailbox selected, int firstSeq, IReadOnlyList<FetchItem> requested, CancellationToken ct)
    {
        var items = requested.Any(i => i.Kind == FetchItemKind.Uid) ? requested : [FetchItem.Uid, .. requested];
        bool needsBytes = items.Any(i => FetchHandler.NeedsBytes(i.Kind));
        for (int seq = firstSeq; seq <= selected.Count; seq++)
        {
            await using var message = s.OpenStored(selected.RecordAt(seq));
            if (!await message.IsAvailableAsync(needsBytes, ct).ConfigureAwait(false)) continue;
            await FetchHandler.WriteResponseAsync(s, seq, message, items, null, ct).ConfigureAwait(false);
        }
        await StructureWriteBack.FlushAsync(s, ct).ConfigureAwait(false);
    }
}
