namespace CloudMail.Protocols.Imap.Sorting;

/// <summary>
/// THREAD=REFERENCES (RFC 5256 §3): the step numbers below are the RFC's. Links messages by Message-ID and
/// References/In-Reply-To, prunes dummies, groups threads with the same base subject and sorts siblings by sent
/// date. Pure; messages are taken in mailbox order. Nothing recurses over the tree's depth: a mailbox holding a reply
/// chain thousands of messages long must not overflow the stack.
/// </summary>
public static class ReferencesThreader
{
    /// <summary>The threads, in order.</summary>
    public static IReadOnlyList<ThreadNode> Thread(IReadOnlyList<ThreadMessage> messages)
    {
        var byId = new Dictionary<string, ThreadNode>(StringComparer.Ordinal);
        var all = new List<ThreadNode>();
        foreach (var m in messages.OrderBy(m => m.Order))
        {
            // (1A) link the references as a parent/child chain; dummies for unknown IDs.
            ThreadNode? previous = null;
            foreach (string reference in m.References)
            {
                // A message listing its own ID would be its own ancestor: that reference is ignored.
                if (reference == m.MessageId) continue;
                if (!byId.TryGetValue(reference, out var node))
                {
                    node = new ThreadNode(null);
                    byId[reference] = node;
                    all.Add(node);
                }
                if (previous is not null && node.Parent is null && previous != node && !IsAncestor(node, previous)) Link(previous, node);
                previous = node;
            }
            // (1A) a message without a (unique) Message-ID gets a unique one: here, a container of its own.
            ThreadNode self;
            if (m.MessageId is { } id && byId.TryGetValue(id, out var existing) && existing.IsDummy)
            {
                existing.Message = m;
                self = existing;
            }
            else
            {
                self = new ThreadNode(m);
                if (m.MessageId is { } fresh && !byId.ContainsKey(fresh)) byId[fresh] = self;
                all.Add(self);
            }
            // (1B) the last reference is the parent; replace a link from a truncated References; never a loop.
            if (self.Parent is not null && self.Parent != previous) Unlink(self);
            if (previous is not null && self.Parent is null && previous != self && !IsAncestor(self, previous)) Link(previous, self);
        }

        // (2) every parentless message is a child of the root.
        var root = new ThreadNode(null);
        foreach (var node in all.Where(n => n.Parent is null)) { root.Children.Add(node); node.Parent = root; }

        // (3) prune dummies.
        Prune(root);

        // (4) sort the top level by sent date (a dummy by its first child after sorting those).
        foreach (var node in root.Children.Where(n => n.IsDummy)) SortSiblings(node.Children);
        SortSiblings(root.Children);

        // (5) gather threads with the same base subject.
        MergeBySubject(root);

        // (6) sort every set of siblings, youngest first.
        SortTree(root);
        return root.Children;
    }

    private static void Link(ThreadNode parent, ThreadNode child)
    {
        child.Parent = parent;
        parent.Children.Add(child);
    }

    private static void Unlink(ThreadNode child)
    {
        child.Parent?.Children.Remove(child);
        child.Parent = null;
    }

    /// <summary>
    /// True when <paramref name="ancestor"/> is <paramref name="node"/> or above it: making <paramref name="ancestor"/> a
    /// child of <paramref name="node"/> would make a loop. A node without children is nobody's ancestor (no walk).
    /// </summary>
    private static bool IsAncestor(ThreadNode ancestor, ThreadNode node)
    {
        if (ancestor.Children.Count == 0) return ancestor == node;
        for (var n = node; n is not null; n = n.Parent)
            if (n == ancestor) return true;
        return false;
    }

    /// <summary>Every node below <paramref name="root"/>, each after its parent (pre-order), without recursion.</summary>
    private static List<ThreadNode> TopDown(ThreadNode root)
    {
        var order = new List<ThreadNode>();
        var pending = new Stack<ThreadNode>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            order.Add(node);
            foreach (var child in node.Children) pending.Push(child);
        }
        return order;
    }

    /// <summary>
    /// Step 3: a dummy without children goes; one with children is replaced by them, except that children are not
    /// promoted to the root unless there is only one. Each node's children are rebuilt after its descendants' were.
    /// </summary>
    private static void Prune(ThreadNode root)
    {
        var nodes = TopDown(root);
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            var parent = nodes[i];
            if (!parent.Children.Any(c => c.IsDummy)) continue;
            var kept = new List<ThreadNode>(parent.Children.Count);
            foreach (var node in parent.Children)
            {
                if (!node.IsDummy) kept.Add(node);
                else if (node.Children.Count == 0) continue;
                else if (parent != root || node.Children.Count == 1)
                {
                    foreach (var child in node.Children) child.Parent = parent;
                    kept.AddRange(node.Children);
                    node.Children.Clear();
                }
                else kept.Add(node);
            }
            parent.Children.Clear();
            parent.Children.AddRange(kept);
        }
    }

    /// <summary>Step 5: the subject table and the merges of 5.B and 5.C.</summary>
    private static void MergeBySubject(ThreadNode root)
    {
        var table = new Dictionary<string, ThreadNode>(AsciiCaseMap.Instance);
        foreach (var node in root.Children)
        {
            string subject = ThreadSubject(node);
            if (subject.Length == 0) continue;
            if (!table.TryGetValue(subject, out var held)) { table[subject] = node; continue; }
            if (!held.IsDummy && (node.IsDummy || (IsReply(held) && !IsReply(node)))) table[subject] = node;
        }
        // (C) merge: nodes leave the top level by getting another parent (or none, for an emptied dummy); the top level
        // is rebuilt once at the end (step 6 sorts it), so no merge searches the list.
        var created = new List<ThreadNode>();
        foreach (var node in root.Children)
        {
            string subject = ThreadSubject(node);
            if (subject.Length == 0 || node.Parent != root) continue; // already merged under another thread
            var held = table[subject];
            if (held == node) continue;
            if (held.IsDummy && node.IsDummy)
            {
                foreach (var child in node.Children) Link(held, child);
                node.Children.Clear();
                node.Parent = null;
            }
            else if (held.IsDummy || (IsReply(node) && !IsReply(held)))
            {
                Link(held, node);
            }
            else
            {
                var dummy = new ThreadNode(null) { Parent = root };
                created.Add(dummy);
                Link(dummy, held);
                Link(dummy, node);
                table[subject] = dummy;
            }
        }
        var top = root.Children.Where(n => n.Parent == root).Concat(created).ToList();
        root.Children.Clear();
        root.Children.AddRange(top);
    }

    private static string ThreadSubject(ThreadNode node) =>
        (node.Message ?? node.Children.FirstOrDefault()?.Message)?.Subject.Text ?? "";

    private static bool IsReply(ThreadNode node) => node.Message?.Subject.IsReplyOrForward == true;

    /// <summary>Step 6: every set of siblings, the deepest first (a root-level dummy sorts by its first child).</summary>
    private static void SortTree(ThreadNode root)
    {
        var nodes = TopDown(root);
        for (int i = nodes.Count - 1; i >= 0; i--) SortSiblings(nodes[i].Children);
    }

    /// <summary>
    /// By sent date, then mailbox order (RFC 5256 §2.2); a dummy sorts as its first child. In place: the order is total
    /// (a message's mailbox position is unique, and a dummy is never a sibling of its own first child).
    /// </summary>
    private static void SortSiblings(List<ThreadNode> siblings)
    {
        if (siblings.Count < 2) return;
        siblings.Sort(static (a, b) =>
        {
            ThreadMessage? x = Key(a), y = Key(b);
            int c = (x?.SentDate ?? DateTimeOffset.MaxValue).CompareTo(y?.SentDate ?? DateTimeOffset.MaxValue);
            return c != 0 ? c : (x?.Order ?? int.MaxValue).CompareTo(y?.Order ?? int.MaxValue);
        });
    }

    private static ThreadMessage? Key(ThreadNode node) => node.Message ?? node.Children.FirstOrDefault()?.Message;
}
