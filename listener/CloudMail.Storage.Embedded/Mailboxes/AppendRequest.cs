using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;

namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>A validated, normalized APPEND.</summary>
internal sealed record AppendRequest(
    string Account,
    string Mailbox,
    BlobRef Blob,
    DateTimeOffset InternalDate,
    MessageFlags Flags,
    IReadOnlyList<string> Keywords,
    string? IdempotencyKey,
    string? Structure = null);
