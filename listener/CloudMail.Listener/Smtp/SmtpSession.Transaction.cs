using CloudMail.Core.Messages;
using CloudMail.Protocols.Smtp;

namespace CloudMail.Listener.Smtp;

/// <summary>
/// The message of the open transaction: DATA and BDAT stream content into the blob store through
/// <see cref="IncomingMessage"/>, with the size limit enforced while it streams; 250 is sent only after
/// <c>MessageIntake.CommitAsync</c> returned.
/// </summary>
internal sealed partial class SmtpSession
{
    /// <summary>The message of an open BDAT sequence (RFC 3030), kept between BDAT commands.</summary>
    private IncomingMessage? _chunked;

    /// <summary>The message the open BDAT sequence writes to, started with the first chunk; null when storage failed (451 queued).</summary>
    public IncomingMessage? ChunkedMessage() => _chunked ??= TryBeginMessage();

    /// <summary>Hands over the message of the BDAT sequence that just ended; the session no longer holds it.</summary>
    public IncomingMessage TakeChunkedMessage()
    {
        var message = _chunked ?? throw new InvalidOperationException("No BDAT sequence is open.");
        _chunked = null;
        return message;
    }

    /// <summary>Starts a blob for the message of the open transaction; on a storage failure queues 451 and returns null.</summary>
    public IncomingMessage? TryBeginMessage()
    {
        string id = string.Empty;
        try
        {
            var (messageId, writer) = _s.Intake.Begin(authenticated: Identity is not null);
            id = messageId;
            var header = ReceivedHeader.Build(
                Greeting?.HeloName ?? string.Empty, Remote, _s.HostName, Greeting?.Extended == true, Transaction?.Mail.SmtpUtf8 == true,
                _connection.IsSecure, Identity is not null, _connection.TlsDescription, id, Transaction?.Recipients ?? [], _s.Time.GetUtcNow());
            var submission = Identity is null ? null : new SubmissionHeaderFields(_s.HostName, _s.Time.GetUtcNow(),
                Transaction?.Mail.ReversePath is { Length: > 0 } reversePath ? reversePath : Identity.Account);
            return new IncomingMessage(id, writer, header, _o.MaxMessageSize, _io.Token, submission);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            StoreFailed(e, id);
            return null;
        }
    }

    /// <summary>
    /// Replies to a message that could not be stored: 452 4.3.1 when the storage is full (RFC 5321 §4.2.3 "insufficient
    /// system storage", RFC 3463 X.3.1 "mail system full"; logged without a stack, it is the operator's to fix), else 451
    /// 4.3.0. Both are transient: the sender keeps the message and tries again later.
    /// </summary>
    private void StoreFailed(Exception failure, string messageId)
    {
        if (Core.Failures.FailureClassification.IsStorageFull(failure))
        {
            SmtpLog.StorageFull(Log, messageId, Remote, Core.Failures.FailureClassification.DescribeStorageFull(failure));
            Send(SmtpReplies.InsufficientStorage);
            return;
        }
        SmtpLog.CommitFailed(Log, failure, messageId, Remote);
        Send(SmtpReplies.LocalError);
    }

    /// <summary>
    /// Replies for a fully received message: 552 when it was too big, 554 5.4.6 when it has passed through
    /// <see cref="SmtpOptions.MaxReceivedHeaders"/> hops (a mail loop), else commit (blob fsync + durable
    /// inbound job) and 250 only after that returned; 451, or 452 for a full storage, when storing failed (<see cref="StoreFailed"/>). Ends the transaction.
    /// </summary>
    public async ValueTask FinishMessageAsync(IncomingMessage message)
    {
        try
        {
            if (message.TooBig)
            {
                SmtpLog.MessageTooBig(Log, Remote, message.ContentLength, _o.MaxMessageSize);
                Send(SmtpReplies.MessageTooBig(_o.MaxMessageSize));
                return;
            }
            if (message.StoreError is not null)
            {
                StoreFailed(message.StoreError, message.Id);
                return;
            }
            if (message.ReceivedFields >= _o.MaxReceivedHeaders)
            {
                SmtpLog.MailLoop(Log, message.Id, Transaction!.Mail.ReversePath, Remote, message.ReceivedFields);
                Send(SmtpReplies.TooManyHops(message.ReceivedFields));
                return;
            }
            var transaction = Transaction!;
            string heloName = Greeting?.HeloName ?? string.Empty;
            var envelope = new Envelope(transaction.Mail.ReversePath, [.. transaction.Recipients], Identity?.Account, Remote, heloName, _s.Time.GetUtcNow(),
                transaction.Dsn(), transaction.Mail.RequireTls, SmtpUtf8: transaction.Mail.SmtpUtf8);
            // Not cut short by shutdown: data that was received completely is stored and answered.
            using var deadline = new CancellationTokenSource(_o.CommitTimeout);
            Core.Filtering.InboundRejection? refusal;
            try
            {
                refusal = await ForeignAuthorAsync(message, deadline.Token).ConfigureAwait(false)
                          ?? await message.CommitAsync(_s.Intake, envelope, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception) when (deadline.IsCancellationRequested)
            {
                // Whichever step saw the deadline (a DNS wait, the scanner, a store write), the cause is the deadline: said
                // so in the reply and the log, without the stack of the step that happened to notice it.
                SmtpLog.CommitTimedOut(Log, message.Id, Remote, _o.CommitTimeout.TotalSeconds);
                Send(SmtpReplies.CommitTimedOut);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                StoreFailed(e, message.Id);
                return;
            }
            if (refusal is not null)
            {
                // Refused by the inbound filter (e.g. DMARC p=reject, Core.Filtering.IInboundFilter): nothing was stored.
                SmtpLog.MessageRefused(Log, message.Id, envelope.MailFrom, Remote, refusal.ToString());
                Send(new SmtpReply(refusal.Code, refusal.EnhancedCode, refusal.Text));
                return;
            }
            SmtpLog.MessageAccepted(Log, message.Id, envelope.MailFrom, envelope.Recipients.Count, message.ContentLength, Remote, envelope.HeloName, Identity?.Account);
            Send(SmtpReplies.Queued(message.Id));
            // As Postfix (smtpd_junk_command_limit, smtpd_hard_error_limit "without delivering mail"): a client that
            // delivers mail starts its junk and error counts again.
            _junkCommands = 0;
            _errors = 0;
        }
        finally
        {
            await AbandonTransactionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// For a submission (<see cref="SmtpOptions.RequireOwnedFromHeader"/>): the refusal when the message's From or Sender
    /// field names an address the user may not send as (<see cref="SenderOwnership"/>), names no mailbox, or lies past
    /// the part of the header that is read; null when the message may go on to be committed. A redirect (RFC 5322
    /// §3.6.6: the user named in its newest Resent-From, and Resent-Sender, both of which must be the user's) may keep a
    /// From and Sender of a domain this server does not host: the server's DKIM signature cannot align with that domain,
    /// so it lends the original author nothing; an address of a hosted domain must still be the user's. The resent fields
    /// of a message whose authors are all the user's are not looked at.
    /// </summary>
    private async Task<Core.Filtering.InboundRejection?> ForeignAuthorAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        if (Identity is not { } identity || !_o.RequireOwnedFromHeader) return null;
        await message.CompleteAsync(cancellationToken).ConfigureAwait(false);
        if (message.HeaderTooLong) return new(552, "5.3.4", $"Message header too long to check its From field: it must end within {IncomingMessage.SubmissionHeaderHold / 1024} KiB");
        if (message.Authors is not { } authors) return new(550, "5.7.1", "The From and Sender fields must each name an address you may send as");
        var foreign = new List<string>();
        foreach (string author in authors)
        {
            if (!await SenderOwnership.OwnsAsync(_s, identity.Account, author, cancellationToken).ConfigureAwait(false)) foreign.Add(author);
        }
        if (foreign.Count == 0) return null;
        // Only a redirect by the user may keep an author that is not the user's.
        if (message.Redirectors is not { } redirectors) return new(550, "5.7.1", "The Resent-From and Resent-Sender fields must each name an address you may send as");
        if (redirectors.Count == 0) return new(550, "5.7.1", $"From or Sender address <{foreign[0]}> not owned by authenticated user");
        foreach (string redirector in redirectors)
        {
            if (!await SenderOwnership.OwnsAsync(_s, identity.Account, redirector, cancellationToken).ConfigureAwait(false))
                return new(550, "5.7.1", $"Resent-From or Resent-Sender address <{redirector}> not owned by authenticated user");
        }
        foreach (string author in foreign)
        {
            if (await _s.Directory.IsLocalDomainAsync(MailAddresses.DomainOf(author), cancellationToken).ConfigureAwait(false))
                return new(550, "5.7.1", $"From or Sender address <{author}> not owned by authenticated user");
        }
        return null;
    }

    /// <summary>Ends the open transaction, if any: envelope forgotten, partial BDAT blob discarded (RFC 5321 §4.1.1.5).</summary>
    public async ValueTask AbandonTransactionAsync()
    {
        Transaction = null;
        var chunked = _chunked;
        _chunked = null;
        if (chunked is not null) await chunked.DisposeAsync().ConfigureAwait(false);
    }
}
