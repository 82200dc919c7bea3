using CloudMail.Core.Mailboxes;

namespace CloudMail.Listener.MailFiles;

/// <summary>What a mail file reader yields: a message to import, or a problem with the source.</summary>
public abstract record ImportItem;

/// <summary>One message read from an mbox file or a Maildir, ready for <see cref="MailboxImporter"/>.</summary>
/// <param name="Mailbox">Target mailbox ('/'-delimited name).</param>
/// <param name="Raw">The message with CRLF line ends, as it will be stored.</param>
/// <param name="SourceBytes">Bytes of the source this message took (for the progress rate).</param>
public sealed record MessageToImport(string Mailbox, byte[] Raw, DateTimeOffset InternalDate, MessageFlags Flags,
    IReadOnlyList<string> Keywords, long SourceBytes) : ImportItem;

/// <summary>Something that was skipped or could not be read; <paramref name="Where"/> is <c>file:line</c> or a file name.</summary>
/// <param name="SourceBytes">Bytes of the source this item took (for the progress rate).</param>
public sealed record ImportProblem(string Where, string Text, long SourceBytes = 0) : ImportItem;
