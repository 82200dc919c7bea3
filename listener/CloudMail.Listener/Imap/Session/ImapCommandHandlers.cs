using CloudMail.Listener.Imap.Commands;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Session;

/// <summary>Runs one command whose state <see cref="ImapStateTable"/> has already allowed.</summary>
internal delegate Task<ImapCompletion> ImapCommandHandler(ImapSession session, ImapCommand command, CancellationToken cancellationToken);

/// <summary>
/// Which handler runs each command of <see cref="ImapStateTable"/> (one file per command or group in
/// <c>Imap/Commands</c>). The state rules themselves are in the Protocols table; this is only the binding.
/// </summary>
internal static class ImapCommandHandlers
{
    private static ImapCommandHandler Bind<T>(Func<ImapSession, T, CancellationToken, Task<ImapCompletion>> handle)
        where T : ImapCommand => (s, c, ct) => handle(s, (T)c, ct);

    public static readonly IReadOnlyDictionary<string, ImapCommandHandler> ByName = new Dictionary<string, ImapCommandHandler>(StringComparer.Ordinal)
    {
        ["CAPABILITY"] = Bind<SimpleCommand>(CapabilityHandler.HandleAsync),
        ["NOOP"] = Bind<SimpleCommand>(NoopHandler.HandleAsync),
        ["LOGOUT"] = Bind<SimpleCommand>(LogoutHandler.HandleAsync),
        ["ID"] = Bind<IdCommand>(IdHandler.HandleAsync),

        ["STARTTLS"] = Bind<SimpleCommand>(StartTlsHandler.HandleAsync),
        ["LOGIN"] = Bind<LoginCommand>(LoginHandler.HandleAsync),
        ["AUTHENTICATE"] = Bind<AuthenticateCommand>(AuthenticateHandler.HandleAsync),

        ["ENABLE"] = Bind<EnableCommand>(EnableHandler.HandleAsync),
        ["NAMESPACE"] = Bind<SimpleCommand>(NamespaceHandler.HandleAsync),
        ["SELECT"] = Bind<SelectCommand>(SelectHandler.HandleAsync),
        ["EXAMINE"] = Bind<SelectCommand>(SelectHandler.HandleAsync),
        ["CREATE"] = Bind<CreateCommand>(CreateHandler.HandleAsync),
        ["DELETE"] = Bind<MailboxCommand>(DeleteHandler.HandleAsync),
        ["RENAME"] = Bind<RenameCommand>(RenameHandler.HandleAsync),
        ["SUBSCRIBE"] = Bind<MailboxCommand>(SubscribeHandler.HandleAsync),
        ["UNSUBSCRIBE"] = Bind<MailboxCommand>(SubscribeHandler.HandleAsync),
        ["LIST"] = Bind<ListCommand>(ListHandler.HandleAsync),
        ["LSUB"] = Bind<ListCommand>(ListHandler.HandleAsync),
        ["STATUS"] = Bind<StatusCommand>(StatusHandler.HandleAsync),
        ["APPEND"] = Bind<AppendCommand>(AppendHandler.HandleAsync),
        ["IDLE"] = Bind<SimpleCommand>(IdleHandler.HandleAsync),
        ["NOTIFY"] = Bind<NotifyCommand>(NotifyHandler.HandleAsync),
        ["GETQUOTAROOT"] = Bind<MailboxCommand>(GetQuotaRootHandler.HandleAsync),
        ["GETQUOTA"] = Bind<GetQuotaCommand>(GetQuotaHandler.HandleAsync),
        ["SETQUOTA"] = Bind<SetQuotaCommand>(SetQuotaHandler.HandleAsync),
        ["COMPRESS"] = Bind<CompressCommand>(CompressHandler.HandleAsync),

        ["CHECK"] = Bind<SimpleCommand>(NoopHandler.HandleAsync),
        ["CLOSE"] = Bind<SimpleCommand>(CloseHandler.HandleAsync),
        ["UNSELECT"] = Bind<SimpleCommand>(CloseHandler.HandleAsync),
        ["EXPUNGE"] = Bind<ExpungeCommand>(ExpungeHandler.HandleAsync),
        ["UID EXPUNGE"] = Bind<ExpungeCommand>(ExpungeHandler.HandleAsync),
        ["SEARCH"] = Bind<SearchCommand>(SearchHandler.HandleAsync),
        ["UID SEARCH"] = Bind<SearchCommand>(SearchHandler.HandleAsync),
        ["FETCH"] = Bind<FetchCommand>(FetchHandler.HandleAsync),
        ["UID FETCH"] = Bind<FetchCommand>(FetchHandler.HandleAsync),
        ["STORE"] = Bind<StoreCommand>(StoreHandler.HandleAsync),
        ["UID STORE"] = Bind<StoreCommand>(StoreHandler.HandleAsync),
        ["COPY"] = Bind<CopyCommand>(CopyHandler.HandleAsync),
        ["UID COPY"] = Bind<CopyCommand>(CopyHandler.HandleAsync),
        ["MOVE"] = Bind<CopyCommand>(CopyHandler.HandleAsync),
        ["UID MOVE"] = Bind<CopyCommand>(CopyHandler.HandleAsync),
        ["SORT"] = Bind<SortCommand>(SortHandler.HandleAsync),
        ["UID SORT"] = Bind<SortCommand>(SortHandler.HandleAsync),
        ["THREAD"] = Bind<ThreadCommand>(ThreadHandler.HandleAsync),
        ["UID THREAD"] = Bind<ThreadCommand>(ThreadHandler.HandleAsync),
    };
}
