using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Listener.Pop3.Commands;

/// <summary>
/// Runs one command that <see cref="Pop3StateTable"/> allowed. True when it succeeded, so that the session
/// takes the table's transition; false when it failed (the reply is already buffered) and the state stays.
/// </summary>
internal delegate Task<bool> Pop3CommandHandler(Pop3Session session, Pop3Command command, CancellationToken cancellationToken);

/// <summary>Which handler runs each command of <see cref="Pop3StateTable"/> (one file per command or group here).</summary>
internal static class Pop3CommandHandlers
{
    private static Pop3CommandHandler Bind<T>(Func<Pop3Session, T, CancellationToken, Task<bool>> handle)
        where T : Pop3Command => (s, c, ct) => handle(s, (T)c, ct);

    private static readonly IReadOnlyDictionary<Pop3CommandKind, Pop3CommandHandler> ByKind = new Dictionary<Pop3CommandKind, Pop3CommandHandler>
    {
        [Pop3CommandKind.Capa] = Bind<CapaCommand>(CapaHandler.HandleAsync),
        [Pop3CommandKind.User] = Bind<UserCommand>(UserPassHandler.HandleUserAsync),
        [Pop3CommandKind.Pass] = Bind<PassCommand>(UserPassHandler.HandlePassAsync),
        [Pop3CommandKind.Auth] = Bind<AuthCommand>(AuthHandler.HandleAsync),
        [Pop3CommandKind.Stls] = Bind<StlsCommand>(StlsHandler.HandleAsync),
        [Pop3CommandKind.Stat] = Bind<StatCommand>(StatHandler.HandleAsync),
        [Pop3CommandKind.List] = Bind<ListCommand>(ListHandler.HandleAsync),
        [Pop3CommandKind.Uidl] = Bind<UidlCommand>(UidlHandler.HandleAsync),
        [Pop3CommandKind.Retr] = Bind<RetrCommand>(RetrTopHandler.HandleRetrAsync),
        [Pop3CommandKind.Top] = Bind<TopCommand>(RetrTopHandler.HandleTopAsync),
        [Pop3CommandKind.Dele] = Bind<DeleCommand>(DeleHandler.HandleAsync),
        [Pop3CommandKind.Rset] = Bind<RsetCommand>(RsetHandler.HandleAsync),
        [Pop3CommandKind.Noop] = Bind<NoopCommand>(NoopHandler.HandleAsync),
        [Pop3CommandKind.Quit] = Bind<QuitCommand>(QuitHandler.HandleAsync),
    };

    /// <summary>The handler of <paramref name="kind"/>; every command of the state table has one (a test checks it).</summary>
    public static Pop3CommandHandler For(Pop3CommandKind kind) => ByKind[kind];
}
