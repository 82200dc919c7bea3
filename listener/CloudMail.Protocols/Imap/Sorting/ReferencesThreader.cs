namespace CloudMail.Protocols.Imap.Sorting;

/// <summary>
/// THREAD=REFERENCES (RFC 5256 §3): the step numbers below are the RFC's. Links messages by Message-ID and
/// References/In-Reply-To, prunes dummies, groups threads with the same base subject and sorts siblings by sent
/// date. Pure; messages are taken in mailbox order.
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
                if (previous is not null && node.Parent is null && !IsDescendant(previous, node) && previous != node) Link(previous, node);
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
            if (previous is not null && self.Parent is null && previous != self && !IsDescendant(previous, self)) Link(previous, self);
        }

        // (2) every parentless message is a child of the root.
        var root = new ThreadNode(null);
        foreach (var node in all.Where(n => n.Parent is null)) { root.Children.Add(node); node.Parent = root; }

        // (3) prune dummies.
        Prune(root, isRoot: true);

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

    /// <summary>True when <paramref name="node"/> is <paramref name="ancestor"/> or below it.</summary>
    private static bool IsDescendant(ThreadNode node, ThreadNode ancestor)
    {
        for (var n = node; n is not null; n = n.Parent)
            if (n == ancestor) return true;
        return false;
    }

    /// <summary>
    /// Step 3: a dummy without children goes; one with children is replaced by them, except that children are not
    /// promoted to the root unless there is only one.
    /// </summary>
    private static void Prune(ThreadNode parent, bool isRoot)
    {
        for (int i = 0; i < parent.Children.Count; i++)
        {
            var node = parent.Children[i];
            Prune(node, isRoot: false);
            if (!node.IsDummy) continue;
            if (node.Children.Count == 0)
            {
                parent.Children.RemoveAt(i--);
            }
            else if (!isRoot || node.Children.Count == 1)
            {
                parent.Children.RemoveAt(i);
                parent.Children.InsertRange(i, node.Children);
                foreach (var child in node.Children) child.Parent = parent;
                node.Children.Clear();
                i--;
            }
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
        foreach (var node in root.Children.ToList())
        {
            string subject = ThreadSubject(node);
            if (subject.Length == 0 || node.Parent != root) continue; // already merged under another thread
            var held = table[subject];
            if (held == node) continue;
            root.Children.Remove(node);
            if (held.IsDummy && node.IsDummy)
            {
                foreach (var child in node.Children) Link(held, child);
                node.Children.Clear();
            }
            else if (held.IsDummy || (IsReply(node) && !IsReply(held)))
            {
                Link(held, node);
            }
            else
            {
                var dummy = new ThreadNode(null) { Parent = root };
                root.Children[root.Children.IndexOf(held)] = dummy;
                held.Parent = null;
                Link(dummy, held);
                Link(dummy, node);
                table[subject] = dummy;
            }
        }
    }

    private static string ThreadSubject(ThreadNode node) =>
        (node.Message ?? node.Children.FirstOrDefault()?.Message)?.Subject.Text ?? "";

    private static bool IsReply(ThreadNode node) => node.Message?.Subject.IsReplyOrForward == true;

    private static void SortTree(ThreadNode node)
    {
        foreach (var child in node.Children) SortTree(child);
        SortSiblings(node.Children);
    }

    /// <summary>By sent date, then mailbox order (RFC 5256 §2.2); a dummy sorts as its first child.</summary>
    private static void SortSiblings(List<ThreadNode> siblings)
    {
        var sorted = siblings.OrderBy(n => Key(n)?.SentDate ?? DateTimeOffset.MaxValue).ThenBy(n => Key(n)?.Order ?? int.MaxValue).ToList();
        siblings.Clear();
        siblings.AddRange(sorted);
    }

    private static ThreadMessage? Key(ThreadNode node) => node.Message ?? node.Children.FirstOrDefault()?.Message;
}
