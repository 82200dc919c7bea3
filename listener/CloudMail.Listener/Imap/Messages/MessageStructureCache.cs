using CloudMail.Core.Mailboxes.Structure;
namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// Bounded least-recently-used cache of parsed structures, keyed by blob id, so a FETCH of ENVELOPE and
/// BODYSTRUCTURE for 1:* parses each message once; and the structures parsed from blobs during a command, which the
/// command writes back to the mailbox index at its end (<see cref="StructureWriteBack"/>). Per session; not thread-safe.
/// </summary>
internal sealed class MessageStructureCache(int capacity)
{
    private readonly List<KeyValuePair<uint, string>> _pending = [];

    /// <summary>Notes that message <paramref name="uid"/> of the selected mailbox lacks <paramref name="stored"/> in the index.</summary>
    public void KeepLater(uint uid, string stored) => _pending.Add(new(uid, stored));

    /// <summary>The structures noted by <see cref="KeepLater"/> since the last call, and forgets them.</summary>
    public List<KeyValuePair<uint, string>> TakePending()
    {
        var taken = new List<KeyValuePair<uint, string>>(_pending);
        _pending.Clear();
        return taken;
    }

    private readonly Dictionary<string, LinkedListNode<(string Key, MessageStructure Value)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, MessageStructure Value)> _order = new();

    public int Count => _map.Count;

    public bool TryGet(string blobId, out MessageStructure structure)
    {
        if (_map.TryGetValue(blobId, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            structure = node.Value.Value;
            return true;
        }
        structure = null!;
        return false;
    }

    public void Add(string blobId, MessageStructure structure)
    {
        if (_map.TryGetValue(blobId, out var existing)) _order.Remove(existing);
        var node = _order.AddFirst((blobId, structure));
        _map[blobId] = node;
        while (_map.Count > capacity)
        {
            var last = _order.Last!;
            _order.RemoveLast();
            _map.Remove(last.Value.Key);
        }
    }
}
