namespace CloudMail.Core.Mailboxes.Structure;

/// <summary>
/// Where a stored message's top-level header and body lie in its <see cref="Size"/> bytes:
/// 0 ≤ <see cref="Begin"/> ≤ <see cref="HeadersEnd"/> ≤ <see cref="End"/> ≤ <see cref="Size"/>. All that a FETCH of the
/// message header (BODY[HEADER], BODY[HEADER.FIELDS ...], RFC822.HEADER) needs besides the bytes; read from a kept
/// structure by <see cref="StoredStructure.TryReadBounds"/> without reading the rest of it.
/// </summary>
public sealed record MessageBounds(long Begin, long HeadersEnd, long End, long Size)
{
    /// <summary>The bounds of <paramref name="structure"/>'s top-level message.</summary>
    public static MessageBounds Of(MessageStructure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var m = structure.Message;
        return new MessageBounds(m.Begin, m.HeadersEnd, m.End, structure.Size);
    }
}
