using System.Text;

namespace CloudMail.Protocols.Imap.Sorting;

/// <summary>One message to thread: its number (sequence number or UID as answered) and the fields threading reads.</summary>
/// <param name="Number">What the THREAD response shows for it.</param>
/// <param name="MessageId">The Message-ID (without angle brackets; compared case-sensitively), null when absent or invalid.</param>
/// <param name="References">The References message IDs in order, or the first In-Reply-To ID when there is no References (RFC 5256 §3).</param>
/// <param name="Subject">The base subject (RFC 5256 §2.1).</param>
/// <param name="SentDate">The sent date (RFC 5256 §2.2: Date in UTC, else the internal date).</param>
/// <param name="Order">Mailbox order (sequence number), the tie-break for equal sent dates (RFC 5256 §2.2).</param>
public sealed record ThreadMessage(uint Number, string? MessageId, IReadOnlyList<string> References, BaseSubjectResult Subject, DateTimeOffset SentDate, int Order);

/// <summary>A node of a thread tree: a message, or a dummy (<see cref="Message"/> null) holding children.</summary>
public sealed class ThreadNode
{
    public ThreadNode(ThreadMessage? message) => Message = message;

    /// <summary>The message; null for a dummy node.</summary>
    public ThreadMessage? Message { get; set; }

    public ThreadNode? Parent { get; set; }

    public List<ThreadNode> Children { get; } = [];

    public bool IsDummy => Message is null;

    /// <summary>
    /// Writes the thread list (RFC 5256 §4 "thread-list"): "(" thread-members / thread-nested ")" per thread, where
    /// thread-members = nz-number *(SP nz-number) [SP thread-nested] and thread-nested = 2*thread-list. A node with one
    /// child continues the chain; with several, each child is a parenthesised sub-thread; a dummy writes only its
    /// children. Iterative, so a deep tree cannot overflow the stack.
    /// </summary>
    public static string Format(IReadOnlyList<ThreadNode> roots)
    {
        var b = new StringBuilder();
        var pending = new Stack<object>(); // a ThreadNode whose members come next, or a parenthesis
        PushThreads(pending, roots);
        while (pending.Count > 0)
        {
            object next = pending.Pop();
            if (next is char parenthesis) b.Append(parenthesis);
            else WriteMembers(b, (ThreadNode)next, pending);
        }
        return b.ToString();
    }

    /// <summary>Writes the chain starting at <paramref name="node"/>; where it branches, queues the sub-threads.</summary>
    private static void WriteMembers(StringBuilder b, ThreadNode node, Stack<object> pending)
    {
        var current = node;
        bool first = true;
        while (true)
        {
            if (current.Message is { } m)
            {
                if (!first) b.Append(' ');
                b.Append(m.Number);
                first = false;
            }
            if (current.Children.Count == 1 && !current.IsDummy)
            {
                current = current.Children[0];
                continue;
            }
            if (current.Children.Count == 0) return;
            if (!first) b.Append(' ');
            PushThreads(pending, current.Children);
            return;
        }
    }

    /// <summary>Queues "(" members ")" for each of <paramref name="threads"/>, so that they come out in order.</summary>
    private static void PushThreads(Stack<object> pending, IReadOnlyList<ThreadNode> threads)
    {
        for (int i = threads.Count - 1; i >= 0; i--)
        {
            pending.Push(')');
            pending.Push(threads[i]);
            pending.Push('(');
        }
    }
}
