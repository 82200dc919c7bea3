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

    /// <summary>Writes the thread list (RFC 5256 §4 "thread-list"): "(" thread-members / thread-nested ")" per thread.</summary>
    public static string Format(IReadOnlyList<ThreadNode> roots)
    {
        var b = new StringBuilder();
        foreach (var root in roots)
        {
            b.Append('(');
            WriteMembers(b, root);
            b.Append(')');
        }
        return b.ToString();
    }

    /// <summary>
    /// thread-members = nz-number *(SP nz-number) [SP thread-nested]; thread-nested = 2*thread-list. A node with one
    /// child continues the chain; with several, each child is a parenthesised sub-thread. A dummy writes only its children.
    /// </summary>
    private static void WriteMembers(StringBuilder b, ThreadNode node)
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
            foreach (var child in current.Children)
            {
                b.Append('(');
                WriteMembers(b, child);
                b.Append(')');
            }
            return;
        }
    }
}
