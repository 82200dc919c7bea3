using System.IO.Pipelines;
using CloudMail.Core.Auth;
using CloudMail.Core.Failures;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Messages;
using CloudMail.Core.Blobs;
using CloudMail.Listener.Imap.Commands;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.Imap.Notify;
using CloudMail.Listener.Network;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Parsing;
using CloudMail.Protocols.Imap.Writing;

namespace CloudMail.Listener.Imap.Session;

/// <summary>
/// One IMAP connection (RFC 3501): reads commands with the capped incremental reader, refuses commands
/// outside their state (<see cref="ImapStateTable"/>), runs handlers, reports changes to the selected
/// mailbox when the RFC allows, and enforces the idle timeouts and the error budget.
/// <para>
/// Time limits: a whole command, its synchronizing literals included, must arrive within the inactivity
/// timeout of the server starting to wait for it (<see cref="LineDeadline"/>; neither partial input nor a
/// "+" continuation restarts the clock); an APPEND message literal is data with its own
/// <see cref="TransferDeadline"/>. Expiry: "* BYE Autologout" and close. Responses are flushed after every
/// command, so no new command is read while output is pending, and each flush is bounded by the
/// connection's write timeout.
/// </para>
/// </summary>
internal sealed class ImapSession
{
    private IDisposable? _subscription;
    private IDisposable? _sessionSlot;
    private LineDeadline _command;
    private volatile bool _dirty;
    private long _lastPoll;
    private int _badInARow;
    private int _refusals;
    private bool _atCommandStart = true;

    public ImapSession(ImapServices services, ClientConnection connection)
    {
        Services = services;
        Connection = connection;
        Out = new ImapOutput(connection);
        Reader = NewReader();
        Structures = new MessageStructureCache(services.Options.StructureCacheSize);
        KeptStructures = new KeptStructureReader(services.Mailboxes);
    }

    public ImapServices Services { get; }

    public ImapOptions Options => Services.Options;

    public ClientConnection Connection { get; }

    public ImapOutput Out { get; }

    public ImapResponseWriter W => Out.W;

    public ImapCommandReader Reader { get; private set; }

    /// <summary>Where the session is in <see cref="ImapStateTable"/>; LOGIN/AUTHENTICATE, SELECT/EXAMINE/CLOSE and LOGOUT move it.</summary>
    public ImapState State { get; private set; } = ImapState.NotAuthenticated;

    /// <summary>Who logged in; null in the not authenticated state.</summary>
    public ImapLogin? Login { get; private set; }

    /// <summary>The logged-in account (canonical address); empty before login.</summary>
    public string Account => Login?.Account ?? "";

    public SelectedMailbox? Selected { get; private set; }

    /// <summary>CONDSTORE is enabled (RFC 7162 §3.1): unsolicited FETCH responses carry MODSEQ.</summary>
    public bool CondStore { get; set; }

    /// <summary>
    /// A CONDSTORE enabling command (RFC 7162 §3.1: FETCH MODSEQ, SEARCH MODSEQ, STORE UNCHANGEDSINCE, ENABLE CONDSTORE
    /// or QRESYNC) turns CONDSTORE on; the first one issued while a mailbox is selected also gets "* OK [HIGHESTMODSEQ
    /// n]", as Dovecot sends it and imaptest expects.
    /// </summary>
    public void EnableCondStore()
    {
        if (CondStore) return;
        CondStore = true;
        Selected?.AnnounceModSeqNow(W);
    }

    /// <summary>
    /// IMAP4rev2 enabled (RFC 9051 via ENABLE, §6.3.1): no \Recent and no RECENT or UNSEEN responses, a LIST response
    /// in SELECT, SEARCH answered as ESEARCH, mailbox names in UTF-8, [CLOSED] when another mailbox is selected.
    /// </summary>
    public bool Rev2 { get; set; }

    /// <summary>
    /// UTF8=ACCEPT enabled (RFC 6855 §3): besides UTF-8 mailbox names (which IMAP4rev2 also turns on), search strings are
    /// UTF-8 by definition, so a charset label on SEARCH, SORT or THREAD conflicts (see <see cref="SearchMatches.RefuseCharset"/>).
    /// </summary>
    public bool Utf8Accept { get; set; }

    /// <summary>QRESYNC enabled (RFC 7162 §3.2.3, which implies CONDSTORE): expunges are reported as VANISHED.</summary>
    public bool QResync { get; set; }

    public MessageStructureCache Structures { get; }

    /// <summary>Reads the structures the index keeps for the selected mailbox's messages, a batch at a time.</summary>
    public KeptStructureReader KeptStructures { get; }

    /// <summary>
    /// <paramref name="record"/>, a message of the selected mailbox, opened for one command: its structure from the
    /// session's cache, the index or its blob (see <see cref="StoredMessage"/>).
    /// </summary>
    public StoredMessage OpenStored(MessageRecord record)
    {
        var selected = Selected;
        return new StoredMessage(record, Services.Blobs, Structures, Services.Logger,
            selected is null ? null : (r, ct) => KeptStructures.ReadAsync(Account, selected, r, ct));
    }

    /// <summary>Fires when the account changes (delivery, other sessions); IDLE waits on it.</summary>
    public AsyncSignal Changed { get; } = new();

    /// <summary>The NOTIFY SET in force (RFC 5465), or null: none, or after NOTIFY NONE.</summary>
    public NotifyWatch? Notify { get; set; }

    /// <summary>The message literals of an APPEND in progress, streamed but not yet committed.</summary>
    public PendingAppend? PendingAppend { get; set; }

    /// <summary>A "+" invited a literal that is part of a command still being read (see <see cref="ClientConnection.AcknowledgeNow"/>).</summary>
    private bool _literalInvited;

    /// <summary>Set to end the session after the current response is flushed.</summary>
    public bool Closing { get; set; }

    /// <summary>LOGIN and AUTHENTICATE are allowed: TLS is active or the operator allowed plaintext (RFC 3501 §6.2.3).</summary>
    public bool CanAuthenticate => Connection.IsSecure || Options.AllowInsecureAuth;

    private TimeSpan InactivityTimeout => State == ImapState.NotAuthenticated ? Options.UnauthenticatedTimeout : Options.IdleTimeout;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ImapLog.SessionStarted(Services.Logger, Connection.RemoteAddress, Connection.Kind.ToString());
        string reason = "logout";
        try
        {
            W.Untagged(ImapStatus.Ok, ImapResponseCodes.Capability + " " + Capabilities(), $"{Services.HostName} CloudMail IMAP4rev1 ready");
            await Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            while (!Closing)
            {
                var result = await ReadCommandAsync(cancellationToken).ConfigureAwait(false);
                if (result is null)
                {
                    reason = Closing ? "timeout" : "disconnected";
                    break;
                }
                // Only a "+" continuation leaves the command unfinished; an APPEND literal has its own deadline.
                if (result is not ImapContinuationNeeded) _command.Reset();
                await ProcessAsync(result, cancellationToken).ConfigureAwait(false);
                await Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = "server stopping";
            await SayGoodbyeAsync("Server shutting down").ConfigureAwait(false);
        }
        catch (IOException)
        {
            reason = "connection lost";
            throw;
        }
        finally
        {
            _subscription?.Dispose();
            _sessionSlot?.Dispose();
            if (PendingAppend is { } pending) await pending.DisposeAsync().ConfigureAwait(false);
            ImapLog.SessionEnded(Services.Logger, Connection.RemoteAddress, reason);
        }
    }

    private async Task ProcessAsync(ImapReadResult result, CancellationToken ct)
    {
        // A "+" for a buffered literal (a CATENATE TEXT part after streamed messages, RFC 4469) continues the same command.
        if (result is not (ImapCommandReady { Command: AppendCommand } or ImapAppendLiteralStarting { Index: > 0 } or ImapContinuationNeeded) && PendingAppend is { } stale)
        {
            // The command that carried streamed messages ended malformed: drop the uncommitted blobs.
            PendingAppend = null;
            await stale.DisposeAsync().ConfigureAwait(false);
        }
        // Notifications may be pushed only while no command is in progress (RFC 5465 §5, RFC 3501 §7.4.1).
        _atCommandStart = result is ImapCommandReady or ImapRejected;
        switch (result)
        {
            case ImapContinuationNeeded:
                W.Continuation("Ready for literal");
                _literalInvited = true;
                break;
            case ImapRejected rejected:
                W.Reply(rejected.Tag, rejected.Status, rejected.Code, rejected.Text);
                if (rejected.CloseConnection)
                {
                    W.Untagged(ImapStatus.Bye, null, "Closing connection");
                    Closing = true;
                }
                else if (rejected.Status == ImapStatus.Bad) CountError(ImapStatus.Bad);
                break;
            case ImapAppendLiteralStarting append:
                await AppendHandler.ReceiveAsync(this, append, ct).ConfigureAwait(false);
                break;
            case ImapCommandReady ready:
                await ExecuteAsync(ready.Command, ct).ConfigureAwait(false);
                break;
        }
    }

    private async Task ExecuteAsync(ImapCommand command, CancellationToken ct)
    {
        if (!ImapStateTable.Rules.TryGetValue(command.Name, out var rule) || !ImapCommandHandlers.ByName.TryGetValue(command.Name, out var handle))
        {
            Finish(command.Tag, ImapCompletion.Bad("Unknown command"));
            return;
        }
        if (StateRefusal(command.Name) is { } refusal)
        {
            Finish(command.Tag, refusal);
            return;
        }
        if (Login is { } login && command.Name != "LOGOUT" && !await Services.Authenticator.IsActiveAsync(login.Account, ct).ConfigureAwait(false))
        {
            // Disabled or removed since LOGIN: RFC 9051 §7.1.5 lets the server close with BYE at any time.
            ImapLog.AccountUnavailable(Services.Logger, login.Account, Connection.RemoteAddress);
            W.Untagged(ImapStatus.Bye, null, "Account is no longer available");
            Closing = true;
            return;
        }
        if (_dirty && rule.Updates != UntaggedUpdates.None) await SyncBeforeCommandAsync(ct).ConfigureAwait(false);
        ImapCompletion completion;
        try
        {
            completion = await handle(this, command, ct).ConfigureAwait(false);
        }
        catch (MailboxNotFoundException)
        {
            completion = ImapCompletion.No(ImapResponseCodes.NonExistent, "No such mailbox");
        }
        catch (Exception e) when (e is not (OperationCanceledException or IOException or ObjectDisposedException))
        {
            completion = Failed(command.Name, e);
        }
        if (completion.Sent) return;
        if (rule.Updates != UntaggedUpdates.None)
        {
            try
            {
                await ReportUpdatesAsync(rule.Updates == UntaggedUpdates.All, rule.Refresh, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not (OperationCanceledException or IOException or ObjectDisposedException))
            {
                // The command itself succeeded; the updates stay pending and go out with a later command.
                ImapLog.CommandFailed(Services.Logger, e, "update report", Connection.RemoteAddress);
            }
        }
        Finish(command.Tag, completion);
    }

    /// <summary>
    /// The BAD reply for a command outside its states (RFC 3501 §6: a protocol error), per <see cref="ImapStateTable"/>;
    /// null when the command is valid now.
    /// </summary>
    public ImapCompletion? StateRefusal(string commandName) =>
        ImapStateTable.Refusal(State, commandName) is { } text ? ImapCompletion.Bad(text, ImapResponseCodes.ClientBug) : null;

    /// <summary>Writes a refusal that is not the end of a parsed command (an APPEND literal turned down).</summary>
    public void Refuse(string tag, ImapCompletion completion) => Finish(tag, completion);

    /// <summary>
    /// The answer to a command that failed on the server's side (not the connection), by what the client can do about it
    /// (RFC 5530 §3): when its writes found the storage full (<see cref="FailureClassification.IsStorageFull"/>), NO
    /// [OVERQUOTA] as Dovecot answers a full disk and as APPEND answers a volume below its reserve, logged without a stack;
    /// another transient failure (<see cref="FailureClassification.IsTransient"/>: a busy database, Azure Storage throttling
    /// or down) NO [UNAVAILABLE], "try again later"; anything else NO [SERVERBUG]; both logged with the stack.
    /// </summary>
    public ImapCompletion Failed(string command, Exception failure)
    {
        if (FailureClassification.IsStorageFull(failure))
        {
            ImapLog.StorageFull(Services.Logger, command, Connection.RemoteAddress, FailureClassification.DescribeStorageFull(failure));
            return ImapCompletion.No(ImapResponseCodes.OverQuota, "Not enough disk space");
        }
        ImapLog.CommandFailed(Services.Logger, failure, command, Connection.RemoteAddress);
        return FailureClassification.IsTransient(failure)
            ? ImapCompletion.No(ImapResponseCodes.Unavailable, "Storage is unavailable for now; please try again later")
            : ImapCompletion.No(ImapResponseCodes.ServerBug, "Internal error; please try again");
    }

    private void Finish(string tag, ImapCompletion completion)
    {
        W.Tagged(tag, completion.Status, completion.Code, completion.Text);
        if (completion.IsError) CountError(completion.Status);
        else _badInARow = 0;
    }

    /// <summary>
    /// After <see cref="ImapOptions.MaxErrors"/> BAD replies in a row, or that many refusals counted as errors in all (failed
    /// logins, a refused NOTIFY or authorization identity), the session says BYE and closes. A command that succeeds ends
    /// a run of BADs (as Dovecot counts them): a client probing syntax, or a compliance suite, is not cut off for mistakes
    /// spread over a long session; refusals are never forgiven, so a password guesser cannot reset them with NOOP.
    /// </summary>
    private void CountError(ImapStatus status)
    {
        int count = status == ImapStatus.Bad ? ++_badInARow : ++_refusals;
        if (count < Options.MaxErrors || Closing) return;
        ImapLog.TooManyErrors(Services.Logger, Connection.RemoteAddress, count);
        W.Untagged(ImapStatus.Bye, null, "Too many errors");
        Closing = true;
    }

    /// <summary>
    /// Merges the changes another session or the delivery pipeline signalled before a command runs, as Dovecot does, so
    /// that the command sees current flags (a FETCH FLAGS after another session's STORE shows the new flags, not the ones
    /// last seen followed by an update). The flag changes are reported here, before the command's own answer, so that the
    /// answer agrees with the client's view at the time it reads it (a SEARCH FLAGGED after another session unflagged a
    /// message comes after that message's FETCH FLAGS, not before it). New messages and expunges stay pending until
    /// <see cref="ReportUpdatesAsync"/> may announce them (RFC 3501 §7.4.1: never during FETCH, STORE, SEARCH), so
    /// sequence numbers do not move under the command. A failure leaves the signal set for the report after the command.
    /// </summary>
    private async Task SyncBeforeCommandAsync(CancellationToken ct)
    {
        if (Selected is not { } selected) return;
        _dirty = false;
        try
        {
            selected.Apply(await Services.Mailboxes.GetChangesSinceAsync(Account, selected.Name, selected.KnownModSeq, ct).ConfigureAwait(false));
            _lastPoll = Services.Time.GetTimestamp();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _dirty = true;
            return;
        }
        selected.WriteFlagUpdates(W, CondStore);
    }

    /// <summary>
    /// Reports changes to the selected mailbox. The index is re-read when another session or the delivery
    /// pipeline signalled a change, when <paramref name="forceRefresh"/> is set, or after the poll interval
    /// (changes by other processes give no signal).
    /// </summary>
    public async Task ReportUpdatesAsync(bool allowExpunge, bool forceRefresh, CancellationToken ct)
    {
        if (Selected is not { } selected) return;
        long now = Services.Time.GetTimestamp();
        if (forceRefresh || _dirty || Services.Time.GetElapsedTime(_lastPoll, now) >= Options.PollInterval)
        {
            _dirty = false;
            _lastPoll = now;
            MailboxChanges changes;
            try
            {
                changes = await Services.Mailboxes.GetChangesSinceAsync(Account, selected.Name, selected.KnownModSeq, ct).ConfigureAwait(false);
            }
            catch (MailboxNotFoundException)
            {
                // The selected mailbox was deleted or renamed elsewhere: the view cannot continue (as Dovecot does).
                W.Untagged(ImapStatus.Bye, null, "Selected mailbox was deleted or renamed");
                Closing = true;
                return;
            }
            catch
            {
                _dirty = true; // try again with the next command
                throw;
            }
            selected.Apply(changes);
        }
        int known = selected.Count;
        selected.WriteUpdates(W, allowExpunge, CondStore, QResync);
        if (Notify?.NewMessageItems is { } items && selected.Count > known)
            await NewMessageFetch.WriteAsync(this, selected, known + 1, items, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// After this session removed messages from the selected mailbox itself (EXPUNGE, MOVE) under QRESYNC: reads the index
    /// again and reports every change merged, so that <see cref="SelectedMailbox.ReportableModSeq"/> covers the removal and
    /// nothing unreported (RFC 7162 §3.2.7). Returns that HIGHESTMODSEQ, null when something must still wait.
    /// </summary>
    public async Task<ulong?> CatchUpAfterRemovalAsync(CancellationToken ct)
    {
        var selected = Selected!;
        selected.Apply(await Services.Mailboxes.GetChangesSinceAsync(Account, selected.Name, selected.KnownModSeq, ct).ConfigureAwait(false));
        selected.WriteUpdates(W, allowExpunge: true, CondStore, QResync, announceModSeq: false);
        return selected.ReportableModSeq;
    }

    /// <summary>
    /// Writes what the NOTIFY SET asks for (not flushed): the selected mailbox's changes as the update step gives them
    /// (expunges held back under SELECTED-DELAYED), then the other mailboxes' STATUS and LIST notifications, or
    /// NOTIFICATIONOVERFLOW (and NOTIFY NONE) when those are more than <see cref="ImapOptions.NotifyOverflowLimit"/>. A
    /// store failure is logged and retried at the next signal or poll.
    /// </summary>
    public async Task ReportNotificationsAsync(CancellationToken ct)
    {
        if (Notify is not { } notify) return;
        try
        {
            if (notify.WatchesSelected) await ReportUpdatesAsync(allowExpunge: !notify.DelaysExpunge, forceRefresh: true, ct).ConfigureAwait(false);
            if (!Closing) await ReportWatchedMailboxesAsync(notify, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or IOException or ObjectDisposedException))
        {
            ImapLog.CommandFailed(Services.Logger, e, "notification", Connection.RemoteAddress);
        }
    }

    /// <summary>
    /// Writes <paramref name="notify"/>'s STATUS and LIST notifications (not flushed); when they are more than
    /// <see cref="ImapOptions.NotifyOverflowLimit"/>, writes <c>* OK [NOTIFICATIONOVERFLOW]</c> instead and ends the
    /// NOTIFY SET: RFC 5465 §5.8 lets the server give up on notifications, after which it acts as after NOTIFY NONE.
    /// </summary>
    public async Task ReportWatchedMailboxesAsync(NotifyWatch notify, CancellationToken ct)
    {
        if (await notify.ReportAsync(this, Options.NotifyOverflowLimit, ct).ConfigureAwait(false)) return;
        W.Untagged(ImapStatus.Ok, ImapResponseCodes.NotificationOverflow, "Too many changes at once; notifications are off until the next NOTIFY SET");
        Notify = null;
    }

    /// <summary>Enters Authenticated state for <paramref name="login"/> and starts listening for its account's changes.</summary>
    private void LoggedIn(ImapLogin login)
    {
        Login = login;
        State = ImapState.Authenticated;
        _subscription = Services.Notifier.Subscribe(login.Account, source =>
        {
            if (ReferenceEquals(source, this)) return; // its own change, already merged (NotifyOwnChange)
            _dirty = true;
            Changed.Set();
        });
    }

    /// <summary>
    /// Checks a password through the shared <see cref="Authenticator"/> (see <see cref="LoginThrottle"/>); a blank or
    /// malformed user name is an ordinary AUTHENTICATIONFAILED.
    /// </summary>
    public async Task<ImapCompletion> LoginAsync(string userName, string password, string mechanism, CancellationToken ct)
    {
        var result = await Services.Authenticator.AuthenticateAsync(userName, password, Connection.RemoteAddress, ct).ConfigureAwait(false);
        switch (result.Status)
        {
            case AuthStatus.Succeeded:
                // Checked after the password, so that the refusal reveals nothing to a guesser (RFC 5530 §3 LIMIT).
                _sessionSlot = Services.Sessions.TryAcquire(result.Account!, Connection.RemoteEndPoint.Address);
                if (_sessionSlot is null)
                {
                    ImapLog.LoginFailed(Services.Logger, result.Account!, Connection.RemoteAddress, "too many sessions");
                    return ImapCompletion.No(ImapResponseCodes.Limit, "Too many connections");
                }
                LoggedIn(new ImapLogin(result.Account!, mechanism));
                ImapLog.LoginSucceeded(Services.Logger, result.Account!, Connection.RemoteAddress, mechanism);
                return ImapCompletion.Ok("Logged in", ImapResponseCodes.Capability + " " + Capabilities());
            case AuthStatus.Throttled:
                ImapLog.LoginFailed(Services.Logger, userName, Connection.RemoteAddress, "throttled");
                return ImapCompletion.No(ImapResponseCodes.Unavailable, "Too many login attempts; try again later", isError: true);
            case AuthStatus.InvalidUserName:
                // Never log the name: it may carry CR/LF (log forging) or be 64 KiB long.
                ImapLog.LoginWithInvalidUserName(Services.Logger, Connection.RemoteAddress, mechanism);
                return ImapCompletion.No(ImapResponseCodes.AuthenticationFailed, "Invalid credentials", isError: true);
            default:
                ImapLog.LoginFailed(Services.Logger, userName, Connection.RemoteAddress, "bad credentials");
                return ImapCompletion.No(ImapResponseCodes.AuthenticationFailed, "Invalid credentials", isError: true);
        }
    }

    /// <summary>Enters the logout state (RFC 9051 §3.4): no further command is valid.</summary>
    public void LogOut() => State = ImapState.Logout;

    /// <summary>Makes <paramref name="mailbox"/> the selected one (or none).</summary>
    public void Select(SelectedMailbox? mailbox)
    {
        Selected = mailbox;
        State = mailbox is null ? ImapState.Authenticated : ImapState.Selected;
        _lastPoll = Services.Time.GetTimestamp();
    }

    /// <summary>Tells every session of this account (this one included) that its mail changed.</summary>
    public void NotifyChanged() => Services.Notifier.Notify(Account);

    /// <summary>
    /// After this session's own write to the selected mailbox, merged into its view: tells the account's other sessions,
    /// and this one too unless the write's HIGHESTMODSEQ span (<paramref name="modSeqs"/>, from the index) shows that the
    /// view is now current (<see cref="SelectedMailbox.TryAdvanceOwn"/>): then it need not read the index for its own change.
    /// </summary>
    public void NotifyOwnChange((ulong Before, ulong After)? modSeqs)
    {
        NotifyOwn(modSeqs is { } span && Selected is { } selected && selected.TryAdvanceOwn(span.Before, span.After));
    }

    /// <summary>
    /// After this session's own APPEND to <paramref name="mailbox"/>: tells the account's other sessions, and this one too
    /// unless the mailbox is the selected one and the index returned what it stored, in the MODSEQs right after the view's
    /// (<see cref="SelectedMailbox.TryAddOwn"/>): then the view has the new messages without reading the index.
    /// </summary>
    public void NotifyOwnAppend(string mailbox, IReadOnlyList<AppendResult> results)
    {
        NotifyOwn(Selected is { } selected && string.Equals(selected.Name, mailbox, StringComparison.Ordinal)
            && results.All(r => r.Stored is not null && r.UidValidity == selected.UidValidity)
            && selected.TryAddOwn([.. results.Select(r => r.Stored!)]));
    }

    /// <summary>Signals the account's sessions; this one too unless its view already holds its own change.</summary>
    private void NotifyOwn(bool viewCurrent) => Services.Notifier.Notify(Account, viewCurrent ? this : null);

    /// <summary>The CAPABILITY list for the session's current situation (RFC 3501 §7.2.1).</summary>
    public string Capabilities()
    {
        var caps = new List<string>
        {
            ImapCapabilities.Imap4Rev1, ImapCapabilities.Imap4Rev2, ImapCapabilities.LiteralPlus, ImapCapabilities.SaslIr, ImapCapabilities.Id,
            ImapCapabilities.Enable, ImapCapabilities.Idle, ImapCapabilities.Notify, ImapCapabilities.Namespace, ImapCapabilities.UidPlus,
            ImapCapabilities.Unselect, ImapCapabilities.Children, ImapCapabilities.SpecialUse, ImapCapabilities.Move,
            ImapCapabilities.CondStore, ImapCapabilities.QResync, ImapCapabilities.Esearch, ImapCapabilities.SearchRes, ImapCapabilities.Binary,
            ImapCapabilities.ListStatus, ImapCapabilities.StatusSize,
            ImapCapabilities.Quota, ImapCapabilities.QuotaStorage, ImapCapabilities.QuotaMessage,
            ImapCapabilities.Sort, ImapCapabilities.SortDisplay, ImapCapabilities.Esort, ImapCapabilities.ThreadOrderedSubject, ImapCapabilities.ThreadReferences,
            ImapCapabilities.MultiAppend, ImapCapabilities.Catenate, ImapCapabilities.CompressDeflate, ImapCapabilities.ListExtended, ImapCapabilities.CreateSpecialUse,
            ImapCapabilities.Utf8Accept, ImapCapabilities.SaveDate, ImapCapabilities.Partial, ImapCapabilities.Within, ImapCapabilities.ObjectId, ImapCapabilities.Preview,
            ImapCapabilities.AppendLimit + Options.MaxLiteralSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (State == ImapState.NotAuthenticated)
        {
            if (!Connection.IsSecure && Connection.Kind == EndpointKind.Imap) caps.Add(ImapCapabilities.StartTls);
            if (CanAuthenticate) caps.AddRange([ImapCapabilities.AuthPlain, ImapCapabilities.AuthLogin]);
            else caps.Add(ImapCapabilities.LoginDisabled);
        }
        return string.Join(' ', caps);
    }

    /// <summary>After STARTTLS the plaintext reader state is gone with the plaintext input.</summary>
    public void ResetReader() => Reader = NewReader();

    private ImapCommandReader NewReader() => new(new ImapReaderLimits(Options.MaxCommandLength, Options.MaxLiteralSize));

    /// <summary>
    /// The next reader result, or null on disconnect or when the command's <see cref="LineDeadline"/> expired
    /// (BYE already written).
    /// </summary>
    private async Task<ImapReadResult?> ReadCommandAsync(CancellationToken ct)
    {
        bool push = _atCommandStart;
        while (true)
        {
            if (await ReadInputAsync(_command.Remaining(Services.Time, InactivityTimeout), ct, push).ConfigureAwait(false) is not { } read) return null;
            var buffer = read.Buffer;
            var result = Reader.Read(ref buffer);
            if (result is ImapNeedMoreData)
            {
                if (!buffer.IsEmpty) push = false; // part of a command has arrived
                if (_literalInvited && !buffer.IsEmpty)
                {
                    // The literal we asked for came without the rest of the line, which the client may hold until this
                    // data is acknowledged (Nagle): acknowledge now, not after the delayed-ACK timer.
                    _literalInvited = false;
                    Connection.AcknowledgeNow();
                }
                Connection.Input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) return null;
                continue;
            }
            // Consumed only what the reader used; the rest (pipelined commands, an APPEND literal) stays buffered.
            Connection.Input.AdvanceTo(buffer.Start);
            return result;
        }
    }

    /// <summary>Reads one line that is not a command (AUTHENTICATE response). Null on disconnect or timeout.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var lines = new ImapLineReader(Options.MaxCommandLength);
        var deadline = new LineDeadline();
        while (true)
        {
            if (await ReadInputAsync(deadline.Remaining(Services.Time, InactivityTimeout), ct).ConfigureAwait(false) is not { } read) return null;
            var buffer = read.Buffer;
            var status = lines.Read(ref buffer, out string line);
            if (status == ImapLineStatus.NeedMoreData)
            {
                Connection.Input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) return null;
                continue;
            }
            Connection.Input.AdvanceTo(buffer.Start);
            return status == ImapLineStatus.Line ? line : "";
        }
    }

    /// <summary>
    /// Copies exactly <paramref name="size"/> literal bytes from the client into <paramref name="writer"/>, each bare LF
    /// written as CRLF (<see cref="BareLineFeedWriter"/>; the stored message may be longer than the literal) unless
    /// <paramref name="binary"/> (a literal8, whose bytes may be binary content: kept as sent, as Dovecot keeps a binary
    /// body), within
    /// a <see cref="TransferDeadline"/> (inactivity timeout, extended by <see cref="ImapOptions.MinDataRate"/>).
    /// <see cref="LiteralReceipt.TimedOut"/> when the deadline expired: BYE is written and the session is closing. When the
    /// writer throws, the receipt carries that failure and the octets of the literal still to come, for the command reader
    /// to drop (<see cref="ImapCommandReader.RejectLiteral"/>): they are the client's message, never commands.
    /// </summary>
    public async Task<LiteralReceipt> ReceiveLiteralAsync(IBlobWriter writer, long size, bool binary, CancellationToken ct)
    {
        var deadline = new TransferDeadline(Services.Time, InactivityTimeout, Options.MinDataRate, 0);
        long remaining = size;
        bool afterCr = false;
        while (remaining > 0)
        {
            if (await ReadInputAsync(deadline.NextWait(size - remaining), ct).ConfigureAwait(false) is not { } read) return LiteralReceipt.Expired;
            var buffer = read.Buffer;
            if (buffer.IsEmpty && read.IsCompleted) throw new EndOfStreamException("Client disconnected inside a literal.");
            var take = buffer.Slice(0, Math.Min(remaining, buffer.Length));
            Exception? storeFailure = null;
            try
            {
                foreach (var segment in take)
                {
                    if (binary) await writer.WriteAsync(segment, ct).ConfigureAwait(false);
                    else afterCr = await BareLineFeedWriter.WriteAsync(writer, segment, afterCr, ct).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The writer failed (the storage, e.g. a full disk), not the connection: the octets taken count as read.
                storeFailure = e;
            }
            remaining -= take.Length;
            Connection.Input.AdvanceTo(take.End);
            if (storeFailure is not null) return new LiteralReceipt(TimedOut: false, storeFailure, Unread: remaining);
        }
        // The client may hold the CRLF (or the next message) until the literal is acknowledged: see AcknowledgeNow.
        Connection.AcknowledgeNow();
        return LiteralReceipt.Stored;
    }

    /// <summary>
    /// Reads more input, waiting at most <paramref name="wait"/>; null when that expired (autologout: BYE written, closing).
    /// With <paramref name="push"/> (between commands) and a NOTIFY SET in force, changes signalled or found by the poll
    /// meanwhile are written and flushed while the read waits: this task is the only writer, so they never interleave with
    /// a command's responses.
    /// </summary>
    private async Task<ReadResult?> ReadInputAsync(TimeSpan wait, CancellationToken ct, bool push = false)
    {
        if (wait > TimeSpan.Zero)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(wait);
            try
            {
                var read = Connection.Input.ReadAsync(timeout.Token).AsTask();
                while (push && Notify is not null && !read.IsCompleted && !Closing)
                {
                    var poll = Task.Delay(Options.PollInterval, Services.Time, timeout.Token);
                    if (await Task.WhenAny(read, Changed.WaitAsync(), poll).ConfigureAwait(false) == read) break;
                    Changed.Reset();
                    await ReportNotificationsAsync(ct).ConfigureAwait(false);
                    await Out.FlushAsync(ct).ConfigureAwait(false);
                }
                if (Closing && !read.IsCompleted) return null;
                return await read.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }
        await AutoLogoutAsync(ct).ConfigureAwait(false);
        return null;
    }

    public async Task AutoLogoutAsync(CancellationToken ct)
    {
        ImapLog.AutoLogout(Services.Logger, Connection.RemoteAddress, InactivityTimeout);
        Closing = true;
        W.Untagged(ImapStatus.Bye, null, "Autologout; idle for too long");
        await Out.FlushAsync(ct).ConfigureAwait(false);
    }

    private async Task SayGoodbyeAsync(string text)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            W.Untagged(ImapStatus.Bye, null, text);
            await Out.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The connection is going away anyway.
        }
    }
}
