namespace CloudMail.Listener.Imap.Messages;

/// <summary>
/// Bounded least-recently-used cache of parsed structures, keyed by blob id, so a FETCH of ENVELOPE and
/// BODYSTRUCTURE for 1:* parses each message once. Per session; not thread-safe.
/// </summary>
internal sealed class MessageStructureCache(int capacity)
{
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
