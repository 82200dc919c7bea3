using System.Runtime.CompilerServices;
using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// Reads a Maildir (maildir(5)) as messages to import: the files of <c>cur/</c> and <c>new/</c>, oldest first (by
/// modification time, then name), flags from the <c>:2,</c> info (<see cref="MaildirFileName"/>) with keyword letters
/// looked up in the folder's <c>dovecot-keywords</c>, internal date from the modification time (the delivery time a
/// Maildir keeps), line ends made CRLF. The folder itself goes into <c>mailbox</c> (INBOX when null); when
/// <c>mailbox</c> is null, each Maildir++ subfolder <c>.Name</c> goes into mailbox Name
/// (<see cref="MailFolderNames.FromMaildirFolder"/>). Unreadable and empty files are yielded as problems.
/// </summary>
public sealed class MaildirReader(string path, string? mailbox)
{
    /// <summary>The Maildir folders to read and their mailboxes.</summary>
    public IReadOnlyList<(string Folder, string Mailbox)> Folders { get; } = FoldersOf(path, mailbox);

    /// <summary>Bytes of all the message files (for the progress estimate).</summary>
    public long TotalBytes => Folders.Sum(f => MessageFiles(f.Folder).Sum(file => file.Length));

    /// <summary>True when <paramref name="folder"/> looks like a Maildir (has <c>cur/</c> or <c>new/</c>).</summary>
    public static bool IsMaildir(string folder) => Directory.Exists(Path.Combine(folder, "cur")) || Directory.Exists(Path.Combine(folder, "new"));

    /// <summary>The messages and problems of every folder.</summary>
    public async IAsyncEnumerable<ImportItem> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var (folder, target) in Folders)
        {
            if (!MailFolderNames.IsImportable(target))
            {
                yield return new ImportProblem(folder, $"'{target}' cannot be a mailbox name; the folder was skipped", MessageFiles(folder).Sum(f => f.Length));
                continue;
            }
            IReadOnlyDictionary<char, string> keywords = DovecotKeywords.Read(folder);
            foreach (FileInfo file in MessageFiles(folder))
            {
                byte[] content;
                try
                {
                    content = await File.ReadAllBytesAsync(file.FullName, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    content = []; // reported below (gone meanwhile, or not ours to read)
                }
                if (content.Length == 0)
                {
                    yield return new ImportProblem(file.FullName, "empty or unreadable message file; skipped", file.Length);
                    continue;
                }
                var (flags, letters) = MaildirFileName.ParseInfo(file.Name);
                IReadOnlyList<string> named = [.. letters.Where(keywords.ContainsKey).Select(l => keywords[l])];
                yield return new MessageToImport(target, LineEnds.ToCrLf(content), file.LastWriteTimeUtc, flags, named, file.Length);
            }
        }
    }

    private static IEnumerable<FileInfo> MessageFiles(string folder) =>
        new[] { "cur", "new" }.Select(sub => new DirectoryInfo(Path.Combine(folder, sub)))
            .Where(d => d.Exists)
            .SelectMany(d => d.EnumerateFiles().Where(f => !f.Name.StartsWith('.')))
            .OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal);

    private static List<(string, string)> FoldersOf(string path, string? mailbox)
    {
        var folders = new List<(string, string)>();
        if (IsMaildir(path)) folders.Add((path, mailbox ?? DefaultMailboxes.Inbox));
        if (mailbox is not null || !Directory.Exists(path)) return folders;
        foreach (string sub in Directory.EnumerateDirectories(path, ".*").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(sub);
            if (name is "." or ".." || !IsMaildir(sub)) continue;
            folders.Add((sub, MailFolderNames.FromMaildirFolder(name)));
        }
        return folders;
    }
}
