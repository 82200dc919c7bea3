using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Directory;
using CloudMail.Core.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudMail.SendApi;

/// <summary>
/// The HTTP send API, host-independent: the embedded host's Kestrel endpoint and the Functions HTTP trigger
/// both copy headers into a <see cref="SendApiCall"/>, pass the body stream, and map the
/// <see cref="SendApiResult"/> to HTTP. Order of checks: key (401), Idempotency-Key (400), bytes in flight for the key
/// and in total (429/503, <see cref="InFlightBytes"/>), size (413), shape (400), values (422), sender domain (403),
/// recipients (422: an unknown local user, or a remote address while no outbound route exists,
/// <see cref="RecipientAdmission"/>), Idempotency-Key used for another request (422). A JSON body is read into memory
/// (it is at most <see cref="SendApiOptions.MaxRequestSize"/>); a raw body is not: its header block is read and checked,
/// then the body streams into the blob store. 202 means accepted durably. Storage failures, and a storage volume that
/// keeps less than its reserve free (<see cref="Core.Blobs.IStorageSpace"/>), become 503
/// (nothing was accepted; the client retries, with the same Idempotency-Key to be safe).
/// Never logs keys, bodies or problem details; logs key ids, message ids, counts and status codes.
/// </summary>
public sealed partial class SendApiHandler(
    ApiKeyAuthenticator authenticator,
    IMailDirectory directory,
    RecipientAdmission admission,
    MessageAcceptor acceptor,
    MessageOwnership ownership,
    IDeliveryLog deliveryLog,
    InFlightBytes inFlight,
    IOptions<SendApiOptions> options,
    TimeProvider time,
    ILogger<SendApiHandler> logger,
    Core.Blobs.IStorageSpace? space = null)
{
    /// <summary>The HELO name put in the envelope of API submissions (there is no SMTP greeting).</summary>
    public const string EnvelopeHeloName = Core.Quarantine.QuarantineNames.SendApiHeloName;

    /// <summary>Field of the problem's <c>errors</c> that lists refused envelope recipients (to, cc and bcc together).</summary>
    public const string RecipientsField = "recipients";

    private const string JsonMediaType = "application/json";
    private const string RawMediaType = "message/rfc822";

    private SendApiOptions Limits => options.Value;

    /// <summary><c>POST /api/v1/messages</c> with <c>Content-Type: application/json</c>.</summary>
    public Task<SendApiResult> SubmitJsonAsync(SendApiCall call, Stream body, CancellationToken cancellationToken) =>
        SubmitAsync("submit-json", JsonMediaType, Limits.MaxRequestSize, call, body, async (key, request, fingerprint, ct) =>
        {
            using var buffer = new MemoryStream();
            await request.CopyToAsync(buffer, ct).ConfigureAwait(false);
            var parsed = JsonRequestReader.Read(new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length));
            if (parsed.Problem is not null) return parsed.Problem;
            var message = new SendRequestValidator(Limits).Validate(parsed.Value!);
            if (message.Problem is not null) return message.Problem;
            var outgoing = message.Value!;
            if (await SenderProblemAsync(key, [outgoing.MailFrom], ct).ConfigureAwait(false) is { } forbidden) return forbidden;
            if (await RecipientProblemAsync(outgoing.Recipients, ct).ConfigureAwait(false) is { } undeliverable) return undeliverable;
            return await AcceptAsync(call, key, outgoing.MailFrom, outgoing.Recipients, fingerprint,
                (stream, id, date, c) => MimeMessageFactory.Build(outgoing, id, date).WriteToAsync(MimeMessageFactory.WireFormat, stream, c), ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// <c>POST /api/v1/messages</c> with <c>Content-Type: message/rfc822</c>: the body is the message. Only its header
    /// block is held in memory; the rest streams into the blob store.
    /// </summary>
    public Task<SendApiResult> SubmitRawAsync(SendApiCall call, Stream body, CancellationToken cancellationToken) =>
        SubmitAsync("submit-raw", RawMediaType, Math.Min(Limits.MaxRequestSize, Limits.MaxMessageSize), call, body, async (key, request, fingerprint, ct) =>
        {
            var raw = await RawMessageReader.ReadAsync(request, Limits.MaxRawHeaderSize, Limits.MaxRecipients, ct).ConfigureAwait(false);
            if (raw.Problem is not null) return raw.Problem;
            var submission = raw.Value!;
            if (await SenderProblemAsync(key, submission.SenderAddresses, ct).ConfigureAwait(false) is { } forbidden) return forbidden;
            if (await RecipientProblemAsync(submission.Recipients, ct).ConfigureAwait(false) is { } undeliverable) return undeliverable;
            // UTF-8 header fields (RFC 6532) make it SMTPUTF8 mail, as Postfix marks local submissions it finds them in.
            bool smtpUtf8 = !System.Text.Ascii.IsValid(submission.HeaderBlock);
            return await AcceptAsync(call, key, submission.MailFrom, submission.Recipients, fingerprint, submission.WriteForStorageAsync, ct, smtpUtf8)
                .ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>What a submission does with the authenticated key and the metered request body.</summary>
    private delegate Task<SendApiResult> Submission(ApiKeyInfo key, Stream request, RequestFingerprint? fingerprint, CancellationToken cancellationToken);

    /// <summary>
    /// Authenticates, checks the Idempotency-Key header, reserves the declared length in flight, then runs
    /// <paramref name="submit"/> over the body metered by <see cref="RequestBodyStream"/> (at most
    /// <paramref name="maxBytes"/>), releasing the bytes in flight when it ends.
    /// </summary>
    private Task<SendApiResult> SubmitAsync(string operation, string mediaType, long maxBytes, SendApiCall call, Stream body, Submission submit,
        CancellationToken cancellationToken) =>
        GuardAsync(operation, async ct =>
        {
            var (key, problem) = await authenticator.AuthenticateAsync(call, ct).ConfigureAwait(false);
            if (problem is not null) return problem;
            if (call.IdempotencyKey is not null && IdempotencyKeys.Problem(call.IdempotencyKey, Limits.MaxIdempotencyKeyLength) is { } bad)
                return ApiProblem.Malformed(bad);
            using var lease = inFlight.Open(key!.KeyId);
            if (lease.Reserve(call.ContentLength) is { } busy) return busy;
            using var fingerprint = call.IdempotencyKey is null ? null : new RequestFingerprint(mediaType);
            return await submit(key, new RequestBodyStream(body, maxBytes, lease, fingerprint), fingerprint, ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// <c>GET /api/v1/messages/{id}</c>: per-recipient status from the delivery log. Unknown ids, malformed ids
    /// and messages of another domain are all 404, so a key cannot probe for other domains' message ids; so is a message
    /// whose delivery log retention forgot.
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
            if (records.Count == 0) return notFound; // its log was forgotten (CloudMail:Retention:DeliveryLog); accepted ones always have one
            var recipients = records.Select(r => new RecipientStatus(r.Recipient, r.Status.ToString().ToLowerInvariant(), r.Attempts, r.LastReply, r.UpdatedAt)).ToList();
            return new SendApiResult.Status(new MessageStatusResponse(messageId, recipients));
        }, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// 422 naming every recipient nothing would deliver or bounce: an unknown user of a local domain, or one only remote
    /// delivery could take while no outbound route exists. An API key may send to any domain (as an authenticated
    /// submission may), so relaying itself is allowed.
    /// </summary>
    private async Task<ApiProblem?> RecipientProblemAsync(IReadOnlyList<string> recipients, CancellationToken ct)
    {
        var errors = new FieldErrors();
        foreach (string recipient in recipients)
        {
            switch (await admission.CheckAsync(recipient, mayRelay: true, ct).ConfigureAwait(false))
            {
                case RecipientVerdict.Accepted:
                    break;
                case RecipientVerdict.UnknownUser:
                    errors.Add(RecipientsField, $"'{recipient}' is not a user of this server");
                    break;
                default:
                    errors.Add(RecipientsField, $"'{recipient}' cannot be delivered: remote delivery is not available on this server");
                    break;
            }
        }
        return errors.Any ? ApiProblem.Invalid("Nothing would deliver to a recipient: " + errors.Summary(), errors.ToDictionary()) : null;
    }

    private async Task<SendApiResult> AcceptAsync(SendApiCall call, ApiKeyInfo key, string mailFrom, IReadOnlyList<string> recipients,
        RequestFingerprint? fingerprint, MessageAcceptor.BodyWriter writeBody, CancellationToken ct, bool smtpUtf8 = false)
    {
        // A volume that keeps less than its reserve free takes no new message (the embedded host's; Azure has none).
        if (space is not null && !space.CanTake(0))
            return ApiProblem.Unavailable("Storage is nearly full; nothing was accepted. Retry later (with the same Idempotency-Key).");
        string id = call.IdempotencyKey is not null ? IdempotencyKeys.DeriveMessageId(key.KeyId, call.IdempotencyKey) : MessageIds.New();
        // 202 comes before any virus scan: the inbound stage scans the message before it is delivered (ScanPending).
        var envelope = new Envelope(mailFrom, recipients, mailFrom, call.RemoteAddress, EnvelopeHeloName, time.GetUtcNow(), ScanPending: true,
            SmtpUtf8: smtpUtf8);
        Func<string>? fingerprintValue = fingerprint is null ? null : () => fingerprint.Value;
        var outcome = await acceptor.AcceptAsync(id, fingerprintValue, envelope, Limits.MaxMessageSize, writeBody, ct).ConfigureAwait(false);
        switch (outcome)
        {
            case AcceptOutcome.StoredNow stored:
                LogAccepted(id, key.KeyId, recipients.Count, stored.Size);
                break;
            case AcceptOutcome.Duplicate:
                LogDuplicate(id, key.KeyId);
                break;
            case AcceptOutcome.Reused:
                return ApiProblem.IdempotencyKeyReused(
                    "This Idempotency-Key was used before with a different request; nothing was accepted. Use a new key for a new message, or resend the first request's exact body to retry it.");
            default:
                return ApiProblem.TooLarge($"The encoded message is larger than {Limits.MaxMessageSize} bytes.");
        }
        return new SendApiResult.Accepted(new SubmitResponse(id));
    }

    /// <summary>Maps a refusal while reading the body to its problem and storage failures to 503; logs every refusal by status code only.</summary>
    private async Task<SendApiResult> GuardAsync(string operation, Func<CancellationToken, Task<SendApiResult>> run, CancellationToken ct)
    {
        SendApiResult result;
        try
        {
            result = await run(ct).ConfigureAwait(false);
        }
        catch (SubmissionRefusedException e)
        {
            result = e.Problem;
        }
        catch (Exception e) when (e is CloudMail.Core.Failures.TransientStorageException or CloudMail.Core.Failures.StorageFullException or IOException or TimeoutException or System.Data.Common.DbException or InvalidOperationException
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
