using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;

namespace CloudMail.Listener.Imap.Session;

/// <summary>An APPEND whose message bytes were streamed into <see cref="Writer"/> and await the end of the command line.</summary>
internal sealed record PendingAppend(string Tag, string Mailbox, MessageFlags Flags, IReadOnlyList<string> Keywords, DateTimeOffset InternalDate, IBlobWriter Writer);
