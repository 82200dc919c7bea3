using CloudMail.Listener.Imap.Commands;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Session;

/// <summary>One row of the state table: where a command is valid, what may be reported with it, who runs it.</summary>
/// <param name="Refresh">Re-read the selected mailbox even without a change signal (NOOP, CHECK: RFC 3501 §6.1.2 polling).</param>
internal sealed record ImapCommandRule(
    ImapStates States,
    UntaggedUpdates Updates,
    bool Refresh,
    Func<ImapSession, ImapCommand, CancellationToken, Task<ImapCompletion>> Handle);

/// <summary>
/// The IMAP state machine as data (RFC 3501 §3, §6): each command's valid states, its unsolicited-update
/// policy (§7.4.1, §5.5) and its handler. The session refuses commands outside their states in one place.
/// </summary>
internal static class ImapCommandTable
{
    private static ImapCommandRule Rule<T>(ImapStates states, UntaggedUpdates updates, Func<ImapSession, T, CancellationToken, Task<ImapCompletion>> handle, bool refresh = false)
        where T : ImapCommand => new(states, updates, refresh, (s, c, ct) => handle(s, (T)c, ct));

    public static readonly IReadOnlyDictionary<string, ImapCommandRule> Rules = new Dictionary<string, ImapCommandRule>(StringComparer.Ordinal)
    {
        // Any state (RFC 3501 §6.1, RFC 2971 ID).
        ["CAPABILITY"] = Rule<SimpleCommand>(ImapStates.Any, UntaggedUpdates.All, CapabilityHandler.HandleAsync),
        ["NOOP"] = Rule<SimpleCommand>(ImapStates.Any, UntaggedUpdates.All, NoopHandler.HandleAsync, refresh: true),
        ["LOGOUT"] = Rule<SimpleCommand>(ImapStates.Any, UntaggedUpdates.None, LogoutHandler.HandleAsync),
        ["ID"] = Rule<IdCommand>(ImapStates.Any, UntaggedUpdates.All, IdHandler.HandleAsync),

        // Not authenticated (RFC 3501 §6.2).
        ["STARTTLS"] = Rule<SimpleCommand>(ImapStates.NotAuthenticated, UntaggedUpdates.None, StartTlsHandler.HandleAsync),
        ["LOGIN"] = Rule<LoginCommand>(ImapStates.NotAuthenticated, UntaggedUpdates.None, LoginHandler.HandleAsync),
        ["AUTHENTICATE"] = Rule<AuthenticateCommand>(ImapStates.NotAuthenticated, UntaggedUpdates.None, AuthenticateHandler.HandleAsync),

        // Authenticated (RFC 3501 §6.3), also valid when a mailbox is selected.
        ["ENABLE"] = Rule<EnableCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, EnableHandler.HandleAsync),
        ["NAMESPACE"] = Rule<SimpleCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, NamespaceHandler.HandleAsync),
        ["SELECT"] = Rule<SelectCommand>(ImapStates.LoggedIn, UntaggedUpdates.None, SelectHandler.HandleAsync),
        ["EXAMINE"] = Rule<SelectCommand>(ImapStates.LoggedIn, UntaggedUpdates.None, SelectHandler.HandleAsync),
        ["CREATE"] = Rule<MailboxCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, CreateHandler.HandleAsync),
        ["DELETE"] = Rule<MailboxCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, DeleteHandler.HandleAsync),
        ["RENAME"] = Rule<RenameCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, RenameHandler.HandleAsync),
        ["SUBSCRIBE"] = Rule<MailboxCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, SubscribeHandler.HandleAsync),
        ["UNSUBSCRIBE"] = Rule<MailboxCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, SubscribeHandler.HandleAsync),
        ["LIST"] = Rule<ListCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, ListHandler.HandleAsync),
        ["LSUB"] = Rule<ListCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, ListHandler.HandleAsync),
        ["STATUS"] = Rule<StatusCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, StatusHandler.HandleAsync),
        ["APPEND"] = Rule<AppendCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, AppendHandler.HandleAsync),
        ["IDLE"] = Rule<SimpleCommand>(ImapStates.LoggedIn, UntaggedUpdates.All, IdleHandler.HandleAsync, refresh: true),

        // Selected (RFC 3501 §6.4, RFC 3691 UNSELECT, RFC 4315 UID EXPUNGE, RFC 6851 MOVE).
        ["CHECK"] = Rule<SimpleCommand>(ImapStates.Selected, UntaggedUpdates.All, NoopHandler.HandleAsync, refresh: true),
        ["CLOSE"] = Rule<SimpleCommand>(ImapStates.Selected, UntaggedUpdates.None, CloseHandler.HandleAsync),
        ["UNSELECT"] = Rule<SimpleCommand>(ImapStates.Selected, UntaggedUpdates.None, CloseHandler.HandleAsync),
        ["EXPUNGE"] = Rule<ExpungeCommand>(ImapStates.Selected, UntaggedUpdates.All, ExpungeHandler.HandleAsync),
        ["UID EXPUNGE"] = Rule<ExpungeCommand>(ImapStates.Selected, UntaggedUpdates.All, ExpungeHandler.HandleAsync),
        ["SEARCH"] = Rule<SearchCommand>(ImapStates.Selected, UntaggedUpdates.NoExpunge, SearchHandler.HandleAsync),
        ["UID SEARCH"] = Rule<SearchCommand>(ImapStates.Selected, UntaggedUpdates.All, SearchHandler.HandleAsync),
        ["FETCH"] = Rule<FetchCommand>(ImapStates.Selected, UntaggedUpdates.NoExpunge, FetchHandler.HandleAsync),
        ["UID FETCH"] = Rule<FetchCommand>(ImapStates.Selected, UntaggedUpdates.All, FetchHandler.HandleAsync),
        ["STORE"] = Rule<StoreCommand>(ImapStates.Selected, UntaggedUpdates.NoExpunge, StoreHandler.HandleAsync),
        ["UID STORE"] = Rule<StoreCommand>(ImapStates.Selected, UntaggedUpdates.All, StoreHandler.HandleAsync),
        ["COPY"] = Rule<CopyCommand>(ImapStates.Selected, UntaggedUpdates.All, CopyHandler.HandleAsync),
        ["UID COPY"] = Rule<CopyCommand>(ImapStates.Selected, UntaggedUpdates.All, CopyHandler.HandleAsync),
        ["MOVE"] = Rule<CopyCommand>(ImapStates.Selected, UntaggedUpdates.All, CopyHandler.HandleAsync),
        ["UID MOVE"] = Rule<CopyCommand>(ImapStates.Selected, UntaggedUpdates.All, CopyHandler.HandleAsync),
    };

    public static ImapStates ToStates(ImapSessionState state) => state switch
    {
        ImapSessionState.NotAuthenticated => ImapStates.NotAuthenticated,
        ImapSessionState.Authenticated => ImapStates.Authenticated,
        ImapSessionState.Selected => ImapStates.Selected,
        _ => 0,
    };
}
