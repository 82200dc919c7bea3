using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Embedded.Files;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// Writes mailboxes as mboxrd files (mbox(5)): a <c>From </c> line with the Return-Path address and the internal date
/// (<see cref="MboxFromLine"/>), the header with the state fields added at its end (<see cref="MboxStatusHeaders"/>),
/// body lines matching <c>^&gt;*From </c> quoted with one more <c>&gt;</c>, LF line ends, an empty line after each
/// message. <paramref name="path"/> is the file itself when <paramref name="singleFile"/>, else a folder with one file
/// per mailbox (<see cref="MailFolderNames.ToFilePath"/>). Files are created owner-only (0600), folders 0700.
/// </summary>
public sealed class MboxWriter(string path, bool singleFile) : IMailFileWriter
{
    private static ReadOnlySpan<byte> From => "From "u8;

    public async Task WriteMailboxAsync(MailboxInfo mailbox, IReadOnlyList<MessageRecord> messages, Func<MessageRecord, Task<byte[]>> read, CancellationToken ct)
    {
        string file = singleFile ? path : Path.Combine(path, MailFolderNames.ToFilePath(mailbox.Name));
        if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder) DataFolder.CreateFolder(folder);
        await using FileStream stream = DataFolder.CreateFile(file, FileMode.Create, FileAccess.Write, bufferSize: 1024 * 1024);
        foreach (MessageRecord message in messages)
        {
            byte[] raw = await read(message).ConfigureAwait(false);
            WriteMessage(stream, raw, message);
        }
    }

    private static void WriteMessage(Stream output, byte[] raw, MessageRecord message)
    {
        string? returnPath = HeaderFields.Find(raw, "Return-Path")?.Trim('<', '>', ' ');
        output.Write(Encoding.ASCII.GetBytes(MboxFromLine.Format(returnPath, message.InternalDate) + "\n"));
        byte[] state = Encoding.ASCII.GetBytes(MboxStatusHeaders.Format(message.Flags, message.Keywords));
        bool inHeader = true;
        foreach (ReadOnlyMemory<byte> memory in LineEnds.Lines(raw))
        {
            ReadOnlySpan<byte> line = memory.Span;
            if (inHeader && line.IsEmpty)
            {
                output.Write(state);
                inHeader = false;
            }
            else if (MboxSplitter.IsQuotedFrom(line) || line.StartsWith(From))
            {
                output.WriteByte((byte)'>');
            }
            output.Write(line);
            output.WriteByte((byte)'\n');
        }
        if (inHeader) output.Write(state);
        output.WriteByte((byte)'\n');
    }
}
