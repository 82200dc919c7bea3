using System.Runtime.CompilerServices;
using CloudMail.Core.Mailboxes;
using MimeKit.Utils;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// Reads mbox files (<see cref="MboxSplitter"/>) as messages to import: state fields turned into flags
/// (<see cref="MboxStatusHeaders"/>), internal date from the separator line (<see cref="MboxFromLine"/>), else from the
/// Date field, else the file's modification time. The file is streamed in 1 MiB reads; problems are yielded with
/// <c>file:line</c> and reading goes on. A path that is a folder means every <c>*.mbox</c> file under it, each into the
/// mailbox its path names (<see cref="MailFolderNames.FromFilePath"/>), as <c>cloudmail export --format mbox</c> writes them.
/// </summary>
public sealed class MboxFileReader(string path, string? mailbox)
{
    private const int ReadSize = 1024 * 1024;

    /// <summary>The files to read and their mailboxes.</summary>
    public IReadOnlyList<(string File, string Mailbox)> Files { get; } = FilesOf(path, mailbox);

    /// <summary>Bytes of all the files (for the progress estimate).</summary>
    public long TotalBytes => Files.Sum(f => new FileInfo(f.File).Length);

    /// <summary>The messages and problems of every file, in file order.</summary>
    public async IAsyncEnumerable<ImportItem> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var (file, target) in Files)
        {
            if (!MailFolderNames.IsImportable(target))
            {
                yield return new ImportProblem(file, $"'{target}' cannot be a mailbox name; the file was skipped", new FileInfo(file).Length);
                continue;
            }
            await foreach (ImportItem item in ReadFileAsync(file, target, ct).ConfigureAwait(false)) yield return item;
        }
    }

    private static async IAsyncEnumerable<ImportItem> ReadFileAsync(string file, string mailbox, [EnumeratorCancellation] CancellationToken ct)
    {
        DateTimeOffset fileTime = File.GetLastWriteTimeUtc(file);
        var splitter = new MboxSplitter();
        var parts = new List<MboxPart>();
        byte[] buffer = new byte[ReadSize];
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        long previousEnd = 0;
        while (true)
        {
            int read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
            if (read == 0) splitter.Complete(parts);
            else splitter.Feed(buffer.AsSpan(0, read), parts);
            long position = stream.Position;
            for (int i = 0; i < parts.Count; i++)
            {
                long sourceBytes = i == parts.Count - 1 ? position - previousEnd : 0; // counted once per read
                if (i == parts.Count - 1) previousEnd = position;
                yield return parts[i] switch
                {
                    MboxMessage m when ToImport(m, mailbox, fileTime, sourceBytes) is { Raw.Length: > 0 } message => message,
                    MboxMessage m => new ImportProblem($"{file}:{m.LineNumber}", "the message holds nothing but mbox state fields; skipped", sourceBytes),
                    _ => new ImportProblem($"{file}:{parts[i].LineNumber}", ((MboxProblem)parts[i]).Text, sourceBytes),
                };
            }
            parts.Clear();
            if (read == 0) yield break;
        }
    }

    private static MessageToImport ToImport(MboxMessage message, string mailbox, DateTimeOffset fileTime, long sourceBytes)
    {
        var (raw, flags, keywords) = MboxStatusHeaders.Extract(message.Raw);
        DateTimeOffset date = MboxFromLine.TryParseDate(message.FromLine)
            ?? (HeaderFields.Find(raw, "Date") is { } header && DateUtils.TryParse(header, out DateTimeOffset sent) ? sent : fileTime);
        return new MessageToImport(mailbox, raw, date, flags, keywords, sourceBytes);
    }

    private static List<(string, string)> FilesOf(string path, string? mailbox)
    {
        if (!Directory.Exists(path)) return [(path, mailbox ?? DefaultMailboxes.Inbox)];
        return [.. Directory.EnumerateFiles(path, "*" + MailFolderNames.MboxExtension, SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(file => (file, mailbox ?? MailFolderNames.FromFilePath(Path.GetRelativePath(path, file))))];
    }
}
