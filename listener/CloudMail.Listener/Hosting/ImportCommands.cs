using System.Globalization;
using CloudMail.Core.Blobs;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.MailFiles;
using CloudMail.Storage.Embedded;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail import mbox|maildir PATH --to USER [--mailbox NAME]</c>: messages of mbox files
/// (<see cref="MboxFileReader"/>) or a Maildir (<see cref="MaildirReader"/>) added to a user's mailboxes with their
/// flags and internal dates (<see cref="MailboxImporter"/>: importing the same source again adds nothing). Runs beside
/// a running <c>serve</c>. Problems with the source go to stderr with their place (<c>file:line</c>) and the import goes on;
/// the summary (messages, MB, messages/s, MB/s) goes to stdout. Exit codes: 0 every message imported or already there,
/// 1 some were skipped (or the import failed), 2 usage.
/// </summary>
public sealed class ImportCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          import mbox|maildir PATH --to USER [--mailbox NAME]
                                             add mail with flags and dates to USER's mailboxes (default INBOX; importing again
                                             adds nothing): mbox, a file or a folder of NAME.mbox; maildir, with .Name subfolders
        """;

    /// <summary>Messages written at once on the embedded backend (their writes share group commits).</summary>
    public const int EmbeddedInFlight = 64;

    /// <summary>Runs <paramref name="words"/> (starting with "import"); returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        if (CommandOptions.Parse(words, "--to", "--mailbox") is not { Positional: [_, "mbox" or "maildir", string path] } options || options["--to"] is not { } user)
            return await FailAsync("usage:\n" + Usage, 2);
        string? mailbox = options["--mailbox"] is { } name ? DefaultMailboxes.Canonical(name) : null;
        if (mailbox is not null && !MailFolderNames.IsImportable(mailbox)) return await FailAsync($"error: '{mailbox}' is not a mailbox name", 1);
        string account = user.ToLowerInvariant();
        if (await services.GetRequiredService<IMailDirectory>().GetAccountAsync(account, ct) is null) return await FailAsync($"error: no such user: {user}", 1);
        bool maildir = options.Positional[1] == "maildir";
        if (maildir ? !Directory.Exists(path) : !File.Exists(path) && !Directory.Exists(path)) return await FailAsync($"error: {path} does not exist", 1);
        try
        {
            return maildir ? await ImportMaildirAsync(path, account, mailbox, ct) : await ImportMboxAsync(path, account, mailbox, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Failures.StorageFullException)
        {
            return await FailAsync("error: " + e.Message, 1);
        }
    }

    private async Task<int> ImportMboxAsync(string path, string account, string? mailbox, CancellationToken ct)
    {
        var reader = new MboxFileReader(path, mailbox);
        if (reader.Files.Count == 0) return await FailAsync($"error: {path} holds no *{MailFolderNames.MboxExtension} files", 1);
        return await ImportAsync(reader.ReadAsync(ct), reader.TotalBytes, account, ct);
    }

    private async Task<int> ImportMaildirAsync(string path, string account, string? mailbox, CancellationToken ct)
    {
        var reader = new MaildirReader(path, mailbox);
        if (reader.Folders.Count == 0) return await FailAsync($"error: {path} is not a Maildir (no cur/ or new/ in it or in a .Name subfolder)", 1);
        return await ImportAsync(reader.ReadAsync(ct), reader.TotalBytes, account, ct);
    }

    private async Task<int> ImportAsync(IAsyncEnumerable<ImportItem> items, long totalBytes, string account, CancellationToken ct)
    {
        var mailboxes = services.GetRequiredService<IMailboxIndex>();
        await mailboxes.EnsureDefaultMailboxesAsync(account, ct);
        int inFlight = services.GetService<EmbeddedStorage>() is null ? 1 : EmbeddedInFlight; // Azure: in order means one at a time
        var importer = new MailboxImporter(mailboxes, services.GetRequiredService<IMessageBlobStore>(), account, inFlight);
        bool terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var progress = new ImportProgress(stdout, terminal, totalBytes);
        long skipped = 0;
        await foreach (ImportItem item in items.WithCancellation(ct))
        {
            if (item is MessageToImport message)
            {
                await importer.AddAsync(message, ct);
                progress.Message(message.SourceBytes);
                continue;
            }
            var problem = (ImportProblem)item;
            progress.Interrupt();
            await stderr.WriteLineAsync($"{problem.Where}: {problem.Text}");
            progress.Skipped(problem.SourceBytes);
            skipped++; // every problem leaves something of the source out
        }
        await importer.FlushAsync(ct);
        progress.Finish();
        foreach (string created in importer.CreatedMailboxes) await stderr.WriteLineAsync($"created mailbox {created}");
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"imported {importer.Added} messages for {account} ({importer.AlreadyPresent} already present, {skipped} problems): " +
            $"{progress.Messages} messages, {progress.Bytes / 1e6:F1} MB read in {progress.Elapsed.TotalSeconds:F1} s, " +
            $"{progress.MessagesPerSecond:F0} messages/s, {progress.MegabytesPerSecond:F1} MB/s"));
        return skipped == 0 ? 0 : 1;
    }

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
