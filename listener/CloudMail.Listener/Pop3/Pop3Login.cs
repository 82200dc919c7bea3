namespace CloudMail.Listener.Pop3;

/// <summary>
/// What a POP3 session holds in TRANSACTION (RFC 1939 §5): the maildrop snapshot, its exclusive lock (RFC 1939 §4)
/// and the account's session slot. Set once at login, released on UPDATE or when the session ends.
/// </summary>
/// <param name="Maildrop">INBOX as numbered at login, with this session's deletion marks.</param>
/// <param name="MaildropLock">The account's exclusive maildrop lock.</param>
/// <param name="SessionSlot">The account's per-user session slot.</param>
internal sealed record Pop3Login(Pop3Maildrop Maildrop, IAsyncDisposable MaildropLock, IDisposable SessionSlot) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        SessionSlot.Dispose();
        await MaildropLock.DisposeAsync().ConfigureAwait(false);
    }
}
