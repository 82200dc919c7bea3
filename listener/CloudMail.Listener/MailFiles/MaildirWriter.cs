using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Embedded.Files;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// Writes mailboxes as a Maildir++ tree: INBOX (or the single mailbox, when <paramref name="singleMailbox"/>) in
/// <paramref name="path"/> itself, every other mailbox in <c>.Name</c> (<see cref="MailFolderNames.ToMaildirFolder"/>),
/// each with <c>cur/ new/ tmp/</c>. Messages go to <c>cur/</c> with LF line ends, their flags and keyword letters in the
/// file name (<see cref="MaildirFileName"/>, <see cref="DovecotKeywords"/>: at most 26 keywords per mailbox), their
/// internal date as the file's modification time; each file is written in <c>tmp/</c> and renamed, as maildir(5) asks.
/// Files are created owner-only (0600), folders 0700.
/// </summary>
public sealed class MaildirWriter(string path, bool singleMailbox) : IMailFileWriter
{
    /// <summary>Keywords left out because a mailbox used more than <see cref="DovecotKeywords.MaxKeywords"/>.</summary>
    public int KeywordsLeftOut { get; private set; }

    public async Task WriteMailboxAsync(MailboxInfo mailbox, IReadOnlyList<MessageRecord> messages, Func<MessageRecord, Task<byte[]>> read, CancellationToken ct)
    {
        string folder = singleMailbox || mailbox.Name == DefaultMailboxes.Inbox ? path : Path.Combine(path, MailFolderNames.ToMaildirFolder(mailbox.Name));
        foreach (string sub in new[] { "cur", "new", "tmp" }) DataFolder.CreateFolder(Path.Combine(folder, sub));
        List<string> keywords = [.. messages.SelectMany(m => m.Keywords).Distinct(StringComparer.OrdinalIgnoreCase)];
        KeywordsLeftOut += Math.Max(0, keywords.Count - DovecotKeywords.MaxKeywords);
        if (keywords.Count > 0)
        {
            await DataFolder.WriteFileAsync(Path.Combine(folder, DovecotKeywords.FileName),
                System.Text.Encoding.ASCII.GetBytes(DovecotKeywords.Format(keywords)), ct).ConfigureAwait(false);
        }
        string host = Environment.MachineName;
        foreach (MessageRecord message in messages)
        {
            byte[] content = ToLf(await read(message).ConfigureAwait(false));
            string letters = string.Concat(message.Keywords
                .Select(k => keywords.FindIndex(x => x.Equals(k, StringComparison.OrdinalIgnoreCase)))
                .Where(i => i < DovecotKeywords.MaxKeywords).Order().Select(i => (char)('a' + i)));
            string name = MaildirFileName.Format(message.InternalDate, mailbox.UidValidity, message.Uid, host, content.Length, message.Flags, letters);
            string temp = Path.Combine(folder, "tmp", name);
            await using (FileStream file = DataFolder.CreateFile(temp, FileMode.Create, FileAccess.Write))
            {
                await file.WriteAsync(content, ct).ConfigureAwait(false);
            }
            File.SetLastWriteTimeUtc(temp, message.InternalDate.UtcDateTime);
            File.Move(temp, Path.Combine(folder, "cur", name), overwrite: true);
        }
    }

    /// <summary>CRLF line ends made LF (a bare CR stays).</summary>
    private static byte[] ToLf(byte[] raw)
    {
        var output = new MemoryStream(raw.Length);
        foreach (ReadOnlyMemory<byte> line in LineEnds.Lines(raw))
        {
            output.Write(line.Span);
            output.WriteByte((byte)'\n');
        }
        if (raw.Length > 0 && raw[^1] != (byte)'\n') output.SetLength(output.Length - 1);
        return output.ToArray();
    }
}
