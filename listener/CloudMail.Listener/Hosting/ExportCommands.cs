using CloudMail.Core.Blobs;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.MailFiles;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Hosting;

/// <summary>
/// <c>cloudmail export USER --format mbox|maildir PATH [--mailbox NAME]</c>: every mailbox of a user (or one) written
/// with flags, keywords and internal dates (<see cref="MboxWriter"/>, <see cref="MaildirWriter"/>), in the layout
/// <c>cloudmail import</c> reads back, so an export imported into another user gives the same messages, flags and dates.
/// Runs beside a running <c>serve</c>. Exit codes: 0 done, 1 failed, 2 usage.
/// </summary>
public sealed class ExportCommands(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
          export USER --format mbox|maildir PATH [--mailbox NAME]
                                             write USER's mailboxes (or one) with flags and dates: mbox, one NAME.mbox per
                                             mailbox in folder PATH (PATH is the file with --mailbox); maildir, a Maildir++ tree
        """;

    /// <summary>Runs <paramref name="words"/> (starting with "export"); returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> words, CancellationToken ct)
    {
        if (CommandOptions.Parse(words, "--format", "--mailbox") is not { Positional: [_, string user, string path] } options
            || options["--format"] is not ("mbox" or "maildir"))
            return await FailAsync("usage:\n" + Usage, 2);
        string account = user.ToLowerInvariant();
        if (await services.GetRequiredService<IMailDirectory>().GetAccountAsync(account, ct) is null) return await FailAsync($"error: no such user: {user}", 1);
        var mailboxes = services.GetRequiredService<IMailboxIndex>();
        var blobs = services.GetRequiredService<IMessageBlobStore>();
        IReadOnlyList<MailboxInfo> selected;
        if (options["--mailbox"] is { } name)
        {
            if (await mailboxes.GetMailboxAsync(account, DefaultMailboxes.Canonical(name), ct) is not { } one) return await FailAsync($"error: {user} has no mailbox {name}", 1);
            selected = [one];
        }
        else
        {
            selected = await mailboxes.ListMailboxesAsync(account, ct);
        }
        bool single = options["--mailbox"] is not null;
        var maildirWriter = options["--format"] == "maildir" ? new MaildirWriter(path, single) : null;
        IMailFileWriter writer = maildirWriter ?? (IMailFileWriter)new MboxWriter(path, single);
        long messages = 0;
        try
        {
            foreach (MailboxInfo mailbox in selected)
            {
                IReadOnlyList<MessageRecord> records = await mailboxes.GetMessagesAsync(account, mailbox.Name, ct);
                await writer.WriteMailboxAsync(mailbox, records, record => ReadAsync(blobs, record.Blob, ct), ct);
                messages += records.Count;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BlobNotFoundException)
        {
            return await FailAsync("error: " + e.Message, 1);
        }
        if (maildirWriter is { KeywordsLeftOut: > 0 } w)
            await stderr.WriteLineAsync($"{w.KeywordsLeftOut} keywords left out: a Maildir folder holds at most {DovecotKeywords.MaxKeywords}");
        await stdout.WriteLineAsync($"exported {messages} messages in {selected.Count} mailboxes of {account} to {path} ({options["--format"]})");
        return 0;
    }

    private static async Task<byte[]> ReadAsync(IMessageBlobStore blobs, BlobRef blob, CancellationToken ct)
    {
        await using Stream stream = await blobs.OpenReadAsync(blob.Id, ct);
        var bytes = new MemoryStream((int)Math.Min(blob.Size, int.MaxValue));
        await stream.CopyToAsync(bytes, ct);
        return bytes.ToArray();
    }

    private async Task<int> FailAsync(string message, int code)
    {
        await stderr.WriteLineAsync(message);
        return code;
    }
}
