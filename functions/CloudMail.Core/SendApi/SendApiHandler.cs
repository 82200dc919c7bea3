using CloudMail.Core.Delivery;
using CloudMail.Core.Directory;
using CloudMail.Core.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.SendApi;

/// <summary>
/// The HTTP send API, host-independent: the embedded host's Kestrel endpoint and the Functions HTTP trigger
/// both copy headers into a <see cref="SendApiCall"/>, pass the body stream, and map the
/// <see cref="SendApiResult"/> to HTTP. Order of checks: key (401), Idempotency-Key (400), size (413),
/// shape (400), values (422), sender domain (403). 202 means accepted durably. Storage failures become 503
/// (nothing was accepted; the client retries, with the same Idempotency-Key to be safe).
/// Never logs keys, bodies or problem details; logs key ids, message ids, counts and status codes.
/// </summary>
public sealed partial class SendApiHandler(
    ApiKeyAuthenticator authenticator,
    IMailDirectory directory,
    MessageAcceptor acceptor,
    MessageOwnership ownership,
    IDeliveryLog deliveryLog,
    IOptions<SendApiOptions> options,
    TimeProvider time,
    ILogger<SendApiHandler> logger)
{
    /// <summary>The HELO name put in the envelope of API submissions (there is no SMTP greeting).</summary>
    public const string EnvelopeHeloName = "http-api";

    private SendApiOptions Limits => options.Value;

    /// <summary><c>POST /api/v1/messages</c> with <c>Content-Type: application/json</c>.</summary>
    public async Task<SendApiResult> SubmitJsonAsync(SendApiCall call, Stream body, CancellationToken cancellationToken)
    {
        return await GuardAsync("submit-json", async ct =>
        {
            var (key, problem) = await StartAsync(call, ct).ConfigureAwait(false);
            if (problem is not null) return problem;
            var (bytes, unreadable) = await BodyReader.ReadAsync(body, Limits.MaxRequestSize, ct).ConfigureAwait(false);
            if (unreadable is not null) return unreadable;
            var request = JsonRequestReader.Read(bytes!.Value);
            if (request.Problem is not null) return request.Problem;
            var message = new SendRequestValidator(Limits).Validate(request.Value!);
            if (message.Problem is not null) return message.Problem;
            var outgoing = message.Value!;
            if (await SenderProblemAsync(key!, [outgoing.MailFrom], ct).ConfigureAwait(false) is { } forbidden) return forbidden;
            return await AcceptAsync(call, key!, outgoing.MailFrom, outgoing.Recipients,
                (stream, id, date, c) => MimeMessageFactory.Build(outgoing, id, date).WriteToAsync(MimeMessageFactory.WireFormat, stream, c), ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/v1/messages</c> with <c>Content-Type: message/rfc822</c>: the body is the message.</summary>
    public async Task<SendApiResult> SubmitRawAsync(SendApiCall call, Stream body, CancellationToken cancellationToken)
    {
        return await GuardAsync("submit-raw", async ct =>
        {
            var (key, problem) = await StartAsync(call, ct).ConfigureAwait(false);
            if (problem is not null) return problem;
            var (bytes, unreadable) = await BodyReader.ReadAsync(body, Math.Min(Limits.MaxRequestSize, Limits.MaxMessageSize), ct).ConfigureAwait(false);
            if (unreadable is not null) return unreadable;
            var raw = RawMessageReader.Read(bytes!.Value, Limits.MaxRecipients);
            if (raw.Problem is not null) return raw.Problem;
            var submission = raw.Value!;
            if (await SenderProblemAsync(key!, submission.SenderAddresses, ct).ConfigureAwait(false) is { } forbidden) return forbidden;
            return await AcceptAsync(call, key!, submission.MailFrom, submission.Recipients, submission.WriteForStorageAsync, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /api/v1/messages/{id}</c>: per-recipient status from the delivery log. Unknown ids, malformed ids
    /// and messages of another domain are all 404, so a key cannot probe for other domains' message ids.
    /// </summary>
    public async Task<SendApiResult> GetStatusAsync(SendApiCall call, string messageId, CancellationToken cancellationToken)
    {
        return await GuardAsync("status", async ct =>
        {
            var (key, problem) = await authenticator.AuthenticateAsync(call, ct).ConfigureAwait(false);
            if (problem is not null) return problem;
            var notFound = ApiProblem.NotFound($"There is no message '{Truncate(messageId)}' for domain {key!.Domain}.");
            if (!MessageIds.IsValid(messageId)) return notFound;
            if (!await ownership.BelongsToAsync(messageId, key.Domain, ct).ConfigureAwait(false)) return notFound;
            var records = await deliveryLog.GetAsync(messageId, ct).ConfigureAwait(false);
            var recipients = records.Select(r => new RecipientStatus(r.Recipient, r.Status.ToString().ToLowerInvariant(), r.Attempts, r.LastReply, r.UpdatedAt)).ToList();
            return new SendApiResult.Status(new MessageStatusResponse(messageId, recipients));
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(ApiKeyInfo? Key, ApiProblem? Problem)> StartAsync(SendApiCall call, CancellationToken ct)
    {
        var (key, problem) = await authenticator.AuthenticateAsync(call, ct).ConfigureAwait(false);
        if (problem is not null) return (null, problem);
        if (call.IdempotencyKey is not null && IdempotencyKeys.Problem(call.IdempotencyKey, Limits.MaxIdempotencyKeyLength) is { } bad)
            return (null, ApiProblem.Malformed(bad));
        return (key, null);
    }

    /// <summary>403 unless every sender address is in the key's domain and that domain is still served here.</summary>
    private async Task<ApiProblem?> SenderProblemAsync(ApiKeyInfo key, IReadOnlyList<string> senders, CancellationToken ct)
    {
        foreach (string sender in senders)
        {
            if (MailAddresses.DomainOf(sender) != key.Domain)
                return ApiProblem.Forbidden($"This API key may only send from addresses at {key.Domain}; '{sender}' is not.");
        }
        if (!await directory.IsLocalDomainAsync(key.Domain, ct).ConfigureAwait(false))
            return ApiProblem.Forbidden($"The domain {key.Domain} of this API key is no longer served by this server.");
        return null;
    }

    private async Task<SendApiResult> AcceptAsync(SendApiCall call, ApiKeyInfo key, string mailFrom, IReadOnlyList<string> recipients,
        MessageAcceptor.BodyWriter writeBody, CancellationToken ct)
    {
        bool idempotent = call.IdempotencyKey is not null;
        string id = idempotent ? IdempotencyKeys.DeriveMessageId(key.KeyId, call.IdempotencyKey!) : MessageIds.New();
        var envelope = new Envelope(mailFrom, recipients, mailFrom, call.RemoteAddress, EnvelopeHeloName, time.GetUtcNow());
        var outcome = await acceptor.AcceptAsync(id, idempotent, envelope, Limits.MaxMessageSize, writeBody, ct).ConfigureAwait(false);
        switch (outcome)
        {
            case AcceptOutcome.StoredNow stored:
                LogAccepted(id, key.KeyId, recipients.Count, stored.Size);
                break;
            case AcceptOutcome.Duplicate:
                LogDuplicate(id, key.KeyId);
                break;
            default:
                return ApiProblem.TooLarge($"The encoded message is larger than {Limits.MaxMessageSize} bytes.");
        }
        return new SendApiResult.Accepted(new SubmitResponse(id));
    }

    /// <summary>Maps storage failures to 503 and logs every refusal by status code only.</summary>
    private async Task<SendApiResult> GuardAsync(string operation, Func<CancellationToken, Task<SendApiResult>> run, CancellationToken ct)
    {
        SendApiResult result;
        try
        {
            result = await run(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or TimeoutException or System.Data.Common.DbException or InvalidOperationException
                                   && !ct.IsCancellationRequested)
        {
            LogStorageFailed(e, operation);
            result = ApiProblem.Unavailable("Storage is unavailable; nothing was accepted. Retry later (with the same Idempotency-Key).");
        }
        if (result is SendApiResult.Problem p) LogRefused(operation, p.StatusCode, p.Details.Type);
        return result;
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "...";

    [LoggerMessage(Level = LogLevel.Information, Message = "Send API accepted {MessageId} with key {KeyId} for {RecipientCount} recipients ({Size} bytes)")]
    private partial void LogAccepted(string messageId, string keyId, int recipientCount, long size);

    [LoggerMessage(Level = LogLevel.Information, Message = "Send API retry of {MessageId} with key {KeyId}: already accepted, not stored again")]
    private partial void LogDuplicate(string messageId, string keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Send API {Operation} refused with {Status} ({ProblemType})")]
    private partial void LogRefused(string operation, int status, string problemType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Send API {Operation} failed in storage")]
    private partial void LogStorageFailed(Exception exception, string operation);
}
