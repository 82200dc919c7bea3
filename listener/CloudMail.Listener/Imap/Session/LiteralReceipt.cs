namespace CloudMail.Listener.Imap.Session;

/// <summary>
/// What became of an APPEND literal streamed into storage (<see cref="ImapSession.ReceiveLiteralAsync"/>): all of it
/// stored (<see cref="Stored"/>); the wait for it expired (<see cref="TimedOut"/>: the session is closing); or the storage
/// failed part-way (<see cref="StoreFailure"/>), with <see cref="Unread"/> octets of the literal still to come from the client.
/// </summary>
internal readonly record struct LiteralReceipt(bool TimedOut, Exception? StoreFailure, long Unread)
{
    public static LiteralReceipt Stored => default;

    public static LiteralReceipt Expired => new(TimedOut: true, StoreFailure: null, Unread: 0);
}
