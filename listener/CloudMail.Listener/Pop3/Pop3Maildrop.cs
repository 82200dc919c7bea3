using CloudMail.Core.Mailboxes;
using CloudMail.Protocols.Pop3;

namespace CloudMail.Listener.Pop3;

/// <summary>
/// The session's view of INBOX, fixed at login (RFC 1939 §5: message numbers do not change during a
/// session): messages numbered 1..n by ascending UID, deletion marks (applied only in UPDATE), and which
/// messages this session already marked \Seen. Messages that arrive later appear in the next session.
/// </summary>
internal sealed class Pop3Maildrop
{
    private readonly MessageRecord[] _messages;
    private readonly bool[] _deleted;
    private readonly bool[] _seen;
    private bool _primed;

    public Pop3Maildrop(string account, uint uidValidity, IReadOnlyList<MessageRecord> messages)
    {
        Account = account;
        UidValidity = uidValidity;
        _messages = [.. ViewListingCache.InUidOrder(messages)];
        _deleted = new bool[_messages.Length];
        _seen = [.. _messages.Select(m => m.Flags.HasFlag(MessageFlags.Seen))];
    }

    public string Account { get; }

    public uint UidValidity { get; }

    /// <summary>Messages not marked as deleted.</summary>
    public int LiveCount => _deleted.Count(d => !d);

    /// <summary>Numbers of the messages not marked as deleted, ascending.</summary>
    public IEnumerable<int> LiveNumbers => Enumerable.Range(1, _messages.Length).Where(n => !_deleted[n - 1]);

    /// <summary>
    /// Message <paramref name="number"/>, or the reply for a number that does not exist (RFC 1939 §5
    /// "no such message") or is marked as deleted ("message N already deleted").
    /// </summary>
    public bool TryGet(int number, out MessageRecord message, out string error)
    {
        message = null!;
        error = string.Empty;
        if (number < 1 || number > _messages.Length)
        {
            error = Pop3Replies.NoSuchMessage;
            return false;
        }
        if (_deleted[number - 1])
        {
            error = Pop3Replies.AlreadyDeleted(number);
            return false;
        }
        message = _messages[number - 1];
        return true;
    }

    /// <summary>
    /// UIDL value (RFC 1939 §7: 1 to 70 characters 0x21..0x7E, unique and stable): "UIDVALIDITY.UID".
    /// UIDs are never reused under one UIDVALIDITY, so the pair never names another message.
    /// </summary>
    public string UniqueId(int number) => $"{UidValidity}.{_messages[number - 1].Uid}";

    public void MarkDeleted(int number) => _deleted[number - 1] = true;

    /// <summary>RSET (RFC 1939 §5): unmarks every message.</summary>
    public void Reset() => Array.Clear(_deleted);

    /// <summary>UIDs marked as deleted, ascending: what UPDATE expunges.</summary>
    public IReadOnlyList<uint> DeletedUids => [.. _messages.Where((_, i) => _deleted[i]).Select(m => m.Uid)];

    /// <summary>True the first time it is called for a message that was not \Seen at login.</summary>
    public bool TryMarkSeen(int number)
    {
        if (_seen[number - 1]) return false;
        _seen[number - 1] = true;
        return true;
    }

    /// <summary>
    /// Normalized size of message <paramref name="number"/> (see <see cref="Pop3MessageSizes"/>): the size the index keeps
    /// for it, read alone (LIST n, RETR, TOP) unless the whole maildrop's were (<see cref="PrimeAllSizesAsync"/>).
    /// </summary>
    public async ValueTask<long> SizeAsync(int number, Pop3MessageSizes sizes, CancellationToken cancellationToken)
    {
        var message = _messages[number - 1];
        if (!_primed) await sizes.PrimeAsync(Account, [message], cancellationToken).ConfigureAwait(false);
        return await sizes.GetAsync(message.Blob, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the sizes the index keeps for every message of the maildrop in one go, once per session: what STAT and LIST
    /// without an argument need, instead of a read per message.
    /// </summary>
    private async ValueTask PrimeAllSizesAsync(Pop3MessageSizes sizes, CancellationToken cancellationToken)
    {
        if (_primed) return;
        await sizes.PrimeAsync(Account, _messages, cancellationToken).ConfigureAwait(false);
        _primed = true;
    }

    /// <summary>
    /// Total normalized size of the messages not marked as deleted (STAT, LIST), the sizes of the whole maildrop read first
    /// (<see cref="PrimeAllSizesAsync"/>), so that the <see cref="SizeAsync"/> of each afterwards is answered from memory.
    /// </summary>
    public async ValueTask<long> LiveSizeAsync(Pop3MessageSizes sizes, CancellationToken cancellationToken)
    {
        await PrimeAllSizesAsync(sizes, cancellationToken).ConfigureAwait(false);
        long total = 0;
        foreach (int n in LiveNumbers) total += await SizeAsync(n, sizes, cancellationToken).ConfigureAwait(false);
        return total;
    }
}
