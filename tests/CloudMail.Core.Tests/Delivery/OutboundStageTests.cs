using System.Text;
using CloudMail.Core.Delivery;
using CloudMail.Core.DeliveryLog;
using CloudMail.Core.Messages;
using CloudMail.Core.Pipeline;
using CloudMail.Core.Queue;
using MimeKit;

namespace CloudMail.Core.Tests.Delivery;

/// <summary>What the outbound stage does with each transport result: log, retry as a new job, expire, notify the sender.</summary>
public sealed class OutboundStageTests
{
    private const string Bob = "bob@b.test";
    private const string Carol = "carol@c.test";

    [Fact]
    public async Task Recipients_are_handed_over_one_call_per_domain_and_logged_delivered()
    {
        var h = new OutboundHarness();
        var job = await h.OutboundJobAsync([Bob, "dave@b.test", Carol]);

        Assert.IsType<StageOutcome.Completed>(await h.RunAsync(job));

        Assert.Equal(2, h.Transport.Calls.Count);
        var toB = Assert.Single(h.Transport.Calls, c => c.Envelope.Domain == "b.test");
        Assert.Equal([Bob, "dave@b.test"], toB.Envelope.Recipients.Select(r => r.Address));
        Assert.Equal(OutboundHarness.Sender, toB.Envelope.MailFrom);
        foreach (string r in new[] { Bob, "dave@b.test", Carol })
        {
            var record = await h.RecordAsync(job, r);
            Assert.Equal((DeliveryStatus.Delivered, 1, RecordingOutboundTransport.DeliveredReply), (record.Status, record.Attempts, record.LastReply));
        }
        Assert.Empty(h.Retries);
        Assert.Empty(h.Notifications);
    }

    [Fact]
    public async Task A_4xx_is_logged_deferred_and_retried_as_a_new_job_that_then_delivers()
    {
        var h = new OutboundHarness();
        h.Transport.Script(Bob, (RecipientOutcome.Transient, "451 4.7.1 greylisted"));
        var job = await h.OutboundJobAsync([Bob]);

        Assert.IsType<StageOutcome.Completed>(await h.RunAsync(job));

        var deferred = await h.RecordAsync(job, Bob);
        Assert.Equal((DeliveryStatus.Deferred, 1, "451 4.7.1 greylisted"), (deferred.Status, deferred.Attempts, deferred.LastReply));
        var retry = Assert.Single(h.Retries);
        Assert.Equal(job.MessageId + ":outbound:1", retry.JobId);
        Assert.Equal(1, retry.OutboundAttempt);
        Assert.Equal([Bob], retry.EffectiveRecipients);
        Assert.Equal(h.Clock.GetUtcNow() + h.Options.EffectiveRetrySchedule[0], h.Queue.NotBefore[retry.JobId]);

        h.Clock.Advance(h.Options.EffectiveRetrySchedule[0]);
        Assert.IsType<StageOutcome.Completed>(await h.RunAsync(retry));

        var delivered = await h.RecordAsync(job, Bob);
        Assert.Equal((DeliveryStatus.Delivered, 2, RecordingOutboundTransport.DeliveredReply), (delivered.Status, delivered.Attempts, delivered.LastReply));
        Assert.Equal(2, h.Transport.Calls.Count);
    }

    [Fact]
    public async Task Retries_wait_as_the_schedule_says_and_its_last_entry_repeats()
    {
        var h = new OutboundHarness(new DeliveryOptions { RetrySchedule = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(7)] });
        h.Transport.Script(Bob, Enumerable.Repeat((RecipientOutcome.Transient, "421 4.3.2 busy"), 3).ToArray());
        var job = await h.OutboundJobAsync([Bob]);
        var waits = new List<TimeSpan>();

        for (int i = 1; i <= 3; i++)
        {
            await h.RunAsync(job);
            job = h.Retries.Single(j => j.OutboundAttempt == i);
            Assert.Equal($"{job.MessageId}:outbound:{i}", job.JobId);
            waits.Add(h.Queue.NotBefore[job.JobId]!.Value - h.Clock.GetUtcNow());
            h.Clock.Advance(waits[^1]);
        }

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(7)], waits);
        Assert.Equal(3, (await h.RecordAsync(job, Bob)).Attempts);
    }

    [Fact]
    public async Task A_5xx_fails_the_recipient_and_bounces_an_RFC_3464_report_to_the_sender()
    {
        var h = new OutboundHarness();
        h.Transport.Script(Bob, (RecipientOutcome.Permanent, "550 5.1.1 <bob@b.test>: no such user"));
        var dsn = new EnvelopeDsn(null, "ENV-42", [new RecipientDsn(Bob, DsnNotify.Failure, "rfc822;Bob@B.test")]);
        var job = await h.OutboundJobAsync([Bob, Carol], dsn: dsn);

        await h.RunAsync(job);

        var failed = await h.RecordAsync(job, Bob);
        Assert.Equal((DeliveryStatus.Failed, "550 5.1.1 <bob@b.test>: no such user"), (failed.Status, failed.LastReply));
        Assert.Equal(DeliveryStatus.Delivered, (await h.RecordAsync(job, Carol)).Status);
        var bounce = Assert.Single(h.Notifications);
        Assert.Equal("", bounce.Envelope.MailFrom);
        Assert.Equal([OutboundHarness.Sender], bounce.Envelope.Recipients);
        Assert.Equal(BounceSubmitter.IdOf(job.MessageId, DsnKind.Failed, 0), bounce.MessageId);

        var message = await h.ParseAsync(bounce);
        Assert.Equal("MAILER-DAEMON@" + OutboundHarness.ReportingMta, message.From.Mailboxes.Single().Address);
        Assert.Equal(OutboundHarness.Sender, message.To.Mailboxes.Single().Address);
        Assert.Equal("auto-replied", message.Headers["Auto-Submitted"]);
        Assert.Equal($"{job.MessageId}@a.test", message.InReplyTo);
        var report = Assert.IsType<MultipartReport>(message.Body);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.Equal(3, report.Count);
        var status = Assert.IsType<MessageDeliveryStatus>(report[1]);
        var perMessage = status.StatusGroups[0];
        Assert.Equal("dns; " + OutboundHarness.ReportingMta, perMessage["Reporting-MTA"]);
        Assert.Equal("ENV-42", perMessage["Original-Envelope-Id"]);
        Assert.Equal(job.Envelope.ReceivedAt.ToUnixTimeSeconds(), MimeKit.Utils.DateUtils.TryParse(perMessage["Arrival-Date"], out var arrival) ? arrival.ToUnixTimeSeconds() : -1);
        var recipient = Assert.Single(status.StatusGroups.Skip(1), g => g.Count > 0); // MimeKit parses the blank line before the boundary as an empty group
        Assert.Equal("rfc822; " + Bob, recipient["Final-Recipient"]);
        Assert.Equal("rfc822; Bob@B.test", recipient["Original-Recipient"]);
        Assert.Equal("failed", recipient["Action"]);
        Assert.Equal("5.1.1", recipient["Status"]);
        Assert.Equal("dns; mx.remote.test", recipient["Remote-MTA"]);
        Assert.Equal("smtp; 550 5.1.1 <bob@b.test>: no such user", recipient["Diagnostic-Code"]);
        Assert.True(MimeKit.Utils.DateUtils.TryParse(recipient["Last-Attempt-Date"], out _));
        var headers = Assert.IsType<TextRfc822Headers>(report[2]);
        Assert.Equal("text/rfc822-headers", headers.ContentType.MimeType);
        Assert.Equal($"outbound {job.MessageId}", headers.Message!.Subject);
        Assert.DoesNotContain("Hello remote world.", headers.Message.TextBody ?? "");
    }

    [Fact]
    public async Task The_bounce_of_SMTPUTF8_mail_takes_RFC_6533s_international_form()
    {
        const string jorg = "j\u00f6rg@b.test";
        var h = new OutboundHarness();
        h.Transport.Script(jorg, (RecipientOutcome.Permanent, "550 5.1.1 no such user"));
        var job = await h.OutboundJobAsync([jorg], message: "From: <alice@a.test>\r\nTo: <j\u00f6rg@b.test>\r\nSubject: Gr\u00fc\u00dfe\r\n\r\nHallo.\r\n");
        job = job with { Envelope = job.Envelope with { SmtpUtf8 = true } };

        await h.RunAsync(job);

        var bounce = Assert.Single(h.Notifications);
        Assert.True(bounce.Envelope.SmtpUtf8, "the notification carries the original's UTF-8, so it is SMTPUTF8 mail too (RFC 6533 §4)");
        var report = Assert.IsType<MultipartReport>((await h.ParseAsync(bounce)).Body);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.Equal("message/global-delivery-status", report[1].ContentType.MimeType);
        Assert.Equal("message/global-headers", report[2].ContentType.MimeType);
        await using var stored = await h.Blobs.OpenReadAsync(bounce.Blob.Id, CancellationToken.None);
        string text = await new StreamReader(stored, Encoding.UTF8).ReadToEndAsync();
        Assert.Contains("Final-Recipient: utf-8; j\u00f6rg@b.test", text, StringComparison.Ordinal);
        Assert.Contains("Subject: Gr\u00fc\u00dfe", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bounce_of_mail_without_SMTPUTF8_keeps_the_classic_types()
    {
        var h = new OutboundHarness();
        h.Transport.Script(Bob, (RecipientOutcome.Permanent, "550 5.1.1 no such user"));
        var job = await h.OutboundJobAsync([Bob], message: "From: <alice@a.test>\r\nTo: <bob@b.test>\r\nSubject: Gr\u00fc\u00dfe\r\n\r\nHallo.\r\n");

        await h.RunAsync(job);

        var bounce = Assert.Single(h.Notifications);
        Assert.False(bounce.Envelope.SmtpUtf8);
        var report = Assert.IsType<MultipartReport>((await h.ParseAsync(bounce)).Body);
        Assert.IsType<MessageDeliveryStatus>(report[1]);
        Assert.Equal("text/rfc822-headers", report[2].ContentType.MimeType);
    }

    [Fact]
    public async Task With_RET_FULL_the_bounce_returns_the_whole_message()
    {
        var h = new OutboundHarness();
        h.Transport.Script(Bob, (RecipientOutcome.Permanent, "554 5.7.1 rejected"));
        var job = await h.OutboundJobAsync([Bob], dsn: new EnvelopeDsn(DsnReturn.Full, null, []));

        await h.RunAsync(job);

        var report = Assert.IsType<MultipartReport>((await h.ParseAsync(Assert.Single(h.Notifications))).Body);
        var original = Assert.IsType<MessagePart>(report[2]);
        Assert.Equal("message/rfc822", original.ContentType.MimeType);
        Assert.Equal("Hello remote world.", original.Message!.TextBody?.Trim());
    }

    [Fact]
    public async Task With_RET_FULL_a_message_above_the_cap_comes_back_as_its_header_only()
    {
        var h = new OutboundHarness(new DeliveryOptions { HeloName = OutboundHarness.ReportingMta, DsnReturnFullMaxBytes = 16 });
        h.Transport.Script(Bob, (RecipientOutcome.Permanent, "554 5.7.1 rejected"));
        var job = await h.OutboundJobAsync([Bob], dsn: new EnvelopeDsn(DsnReturn.Full, null, []));

        await h.RunAsync(job);

        var report = Assert.IsType<MultipartReport>((await h.ParseAsync(Assert.Single(h.Notifications))).Body);
        var headers = Assert.IsType<TextRfc822Headers>(report[2]);
        Assert.Equal($"outbound {job.MessageId}", headers.Message!.Subject);
        Assert.DoesNotContain("Hello remote world.", headers.Message.TextBody ?? "");
        Assert.Contains("too large to be returned whole", ((TextPart)report[0]).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_cap_returns_up_to_1_MiB_whole()
    {
        Assert.Equal(1024 * 1024, new DeliveryOptions().DsnReturnFullMaxBytes);
        Assert.Contains(new DeliveryOptions { DsnReturnFullMaxBytes = -1 }.Problems(), p => p.Contains("DsnReturnFullMaxBytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Past_the_expiry_a_transient_failure_fails_the_recipient_and_bounces()
    {
        var h = new OutboundHarness(new DeliveryOptions { Expiry = TimeSpan.FromHours(2), DelayNoticeAfter = TimeSpan.Zero });
        h.Transport.Script(Bob, (RecipientOutcome.Transient, "451 4.4.1 connection refused by mx.b.test"));
        var job = await h.OutboundJobAsync([Bob]);
        h.Clock.Advance(TimeSpan.FromHours(2));

        await h.RunAsync(job);

        var record = await h.RecordAsync(job, Bob);
        Assert.Equal(DeliveryStatus.Failed, record.Status);
        Assert.StartsWith("550 5.4.7 delivery time expired", record.LastReply);
        Assert.EndsWith("last reply: 451 4.4.1 connection refused by mx.b.test", record.LastReply);
        Assert.Empty(h.Retries);
        var status = await h.StatusOfAsync(Assert.Single(h.Notifications));
        Assert.Equal(("failed", "5.4.7"), (status.StatusGroups[1]["Action"], status.StatusGroups[1]["Status"]));
    }

    [Fact]
    public async Task A_retry_is_never_scheduled_after_the_expiry()
    {
        var h = new OutboundHarness(new DeliveryOptions { Expiry = TimeSpan.FromMinutes(3), RetrySchedule = [TimeSpan.FromHours(1)] });
        h.Transport.Script(Bob, (RecipientOutcome.Transient, "451 4.3.0 later"));
        var job = await h.OutboundJobAsync([Bob]);

        await h.RunAsync(job);

        Assert.Equal(job.Envelope.ReceivedAt + TimeSpan.FromMinutes(3), h.Queue.NotBefore[Assert.Single(h.Retries).JobId]);
    }

    [Fact]
    public async Task One_delay_notice_is_sent_once_DelayNoticeAfter_has_passed()
    {
        var h = new OutboundHarness(new DeliveryOptions { DelayNoticeAfter = TimeSpan.FromHours(1), RetrySchedule = [TimeSpan.FromHours(1)] });
        h.Transport.Script(Bob, Enumerable.Repeat((RecipientOutcome.Transient, "452 4.2.2 mailbox full"), 3).ToArray());
        var job = await h.OutboundJobAsync([Bob]);

        await h.RunAsync(job);
        Assert.Empty(h.Notifications);
        for (int i = 1; i <= 2; i++)
        {
            h.Clock.Advance(TimeSpan.FromHours(1));
            await h.RunAsync(h.Retries.Single(j => j.OutboundAttempt == i));
        }

        var notice = Assert.Single(h.Notifications);
        Assert.Equal(BounceSubmitter.IdOf(job.MessageId, DsnKind.Delayed, 0), notice.MessageId);
        var message = await h.ParseAsync(notice);
        Assert.Equal(BounceComposer.Subject(DsnKind.Delayed), message.Subject);
        var status = await h.StatusOfAsync(notice);
        Assert.Equal(("delayed", "4.2.2"), (status.StatusGroups[1]["Action"], status.StatusGroups[1]["Status"]));
        Assert.True(h.Retries.Single(j => j.OutboundAttempt == 3).DelayNoticeSent);
    }

    [Fact]
    public async Task NOTIFY_without_DELAY_gets_no_delay_notice()
    {
        var h = new OutboundHarness(new DeliveryOptions { DelayNoticeAfter = TimeSpan.FromMinutes(1) });
        h.Transport.Script(Bob, (RecipientOutcome.Transient, "451 4.3.0 later"));
        var job = await h.OutboundJobAsync([Bob], dsn: new EnvelopeDsn(null, null, [new RecipientDsn(Bob, DsnNotify.Failure, null)]));
        h.Clock.Advance(TimeSpan.FromMinutes(2));

        await h.RunAsync(job);

        Assert.Empty(h.Notifications);
        Assert.Single(h.Retries);
    }

    [Fact]
    public async Task NOTIFY_NEVER_gets_no_bounce()
    {
        var h = new OutboundHarness();
        h.Transport.Script(Bob, (RecipientOutcome.Permanent, "550 5.1.1 no such user"));
        var job = await h.OutboundJobAsync([Bob], dsn: new EnvelopeDsn(null, null, [new RecipientDsn(Bob, DsnNotify.Never, null)]));

        await h.RunAsync(job);

        Assert.Equal(DeliveryStatus.Failed, (await h.RecordAsync(job, Bob)).Status);
        Assert.Empty(h.Notifications);
    }

    [Fact]
    public async Task The_null_sender_never_gets_a_bounce()
    {
        var h = new OutboundHarness(new DeliveryOptions { DelayNoticeAfter = TimeSpan.FromMinutes(1) });
        h.Transport.Script(Bob, (RecipientOutcome.Permanent, "550 5.1.1 no such user"));
        h.Transport.Script(Carol, (RecipientOutcome.Transient, "451 4.3.0 later"));
        var job = await h.OutboundJobAsync([Bob, Carol], mailFrom: "");
        h.Clock.Advance(TimeSpan.FromMinutes(2));

        await h.RunAsync(job);

        Assert.Equal(DeliveryStatus.Failed, (await h.RecordAsync(job, Bob)).Status);
        Assert.Equal("", h.Transport.Calls[0].Envelope.MailFrom);
        Assert.Empty(h.Notifications);
    }

    [Fact]
    public async Task NOTIFY_SUCCESS_gets_a_relayed_notice_and_the_default_none()
    {
        var h = new OutboundHarness();
        var job = await h.OutboundJobAsync([Bob, Carol], dsn: new EnvelopeDsn(null, null, [new RecipientDsn(Bob, DsnNotify.Success | DsnNotify.Failure, null)]));

        await h.RunAsync(job);

        var notice = Assert.Single(h.Notifications);
        var status = await h.StatusOfAsync(notice);
        var recipient = Assert.Single(status.StatusGroups.Skip(1), g => g.Count > 0); // MimeKit parses the blank line before the boundary as an empty group
        Assert.Equal(("rfc822; " + Bob, "relayed", "2.0.0"), (recipient["Final-Recipient"], recipient["Action"], recipient["Status"]));
        Assert.Equal(DsnNotify.Success | DsnNotify.Failure, h.Transport.Calls.Single(c => c.Envelope.Domain == "b.test").Envelope.Recipients[0].Notify);
    }

    [Fact]
    public async Task NOTIFY_SUCCESS_to_a_server_that_offers_DSN_is_passed_on_and_gets_no_relayed_notice_here()
    {
        var h = new OutboundHarness();
        h.Transport.PeerTakesDsn = true;
        var job = await h.OutboundJobAsync([Bob], dsn: new EnvelopeDsn(null, null, [new RecipientDsn(Bob, DsnNotify.Success, null)]));

        await h.RunAsync(job);

        Assert.Equal(DeliveryStatus.Delivered, (await h.RecordAsync(job, Bob)).Status);
        Assert.Equal(DsnNotify.Success, h.Transport.Calls.Single().Envelope.Recipients[0].Notify);
        Assert.Empty(h.Notifications);
    }

    [Fact]
    public async Task A_job_delivered_again_after_a_crash_neither_delivers_nor_bounces_twice()
    {
        var h = new OutboundHarness();
        h.Transport.Script(Bob, (RecipientOutcome.Permanent, "550 5.1.1 no such user"));
        var job = await h.OutboundJobAsync([Bob, Carol]);

        await h.RunAsync(job);
        h.Queue.Complete(h.Notifications.Single().JobId);
        Assert.IsType<StageOutcome.Completed>(await h.RunAsync(job));

        Assert.Equal(2, h.Transport.Calls.Count);
        Assert.Single(h.Notifications);
        Assert.Equal(DeliveryStatus.Delivered, (await h.RecordAsync(job, Carol)).Status);
    }

    [Fact]
    public async Task A_bounce_submitted_twice_is_one_message()
    {
        var h = new OutboundHarness();
        var job = await h.OutboundJobAsync([Bob]);
        var dsn = new DeliveryStatusNotification(DsnKind.Failed, job.MessageId, job.Blob, job.Envelope,
            [new DsnRecipient(Bob, null, "550 5.1.1 no", null, h.Clock.GetUtcNow())], 0);

        string? first = await h.Bounces.SubmitAsync(dsn, CancellationToken.None);
        h.Queue.Complete(first!);
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        string? second = await h.Bounces.SubmitAsync(dsn, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(1, h.Blobs.Commits - 1);
        Assert.Equal(h.Notifications[0].Blob, h.Notifications[1].Blob);
    }

    [Fact]
    public async Task The_DKIM_header_of_the_signer_is_sent_in_front_of_the_stored_message()
    {
        const string signature = "DKIM-Signature: v=1; a=rsa-sha256; d=a.test; s=s1; b=abc\r\n";
        var h = new OutboundHarness(signer: new FixedSigner(signature));
        var job = await h.OutboundJobAsync([Bob]);

        await h.RunAsync(job);

        string sent = Encoding.ASCII.GetString(Assert.Single(h.Transport.Calls).Message);
        Assert.StartsWith(signature + "From: <alice@a.test>\r\n", sent);
        Assert.EndsWith("Hello remote world.\r\n", sent);
    }

    [Fact]
    public async Task An_8bit_message_is_signed_and_sent_in_its_7bit_form_which_a_peer_without_8BITMIME_takes_unchanged()
    {
        var keys = new Dkim.InMemoryDkimKeyStore();
        var h = new OutboundHarness(signer: new CloudMail.Core.Dkim.DkimOutboundSigner(keys, TimeProvider.System));
        CloudMail.Core.Dkim.DkimKey key = CloudMail.Core.Dkim.DkimKeyGenerator.NewRsaKey("a.test", "s1", DateTimeOffset.UtcNow);
        await keys.AddAsync(key, CancellationToken.None);
        var job = await h.OutboundJobAsync([Bob], message:
            "From: <alice@a.test>\r\nTo: <bob@b.test>\r\nSubject: eight\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln\r\n");

        await h.RunAsync(job);

        byte[] sent = Assert.Single(h.Transport.Calls).Message;
        Assert.All(sent, b => Assert.InRange(b, (byte)1, (byte)127));
        using MimeMessage message = MimeMessage.Load(new MemoryStream(sent));
        Assert.Equal("Grüße aus Köln\n", Assert.IsType<TextPart>(message.Body).Text.ReplaceLineEndings("\n"));
        Assert.False(SevenBitForm.Apply(message), "nothing left for the transport to convert");
        var verifier = new MimeKit.Cryptography.DkimVerifier(new Dkim.PublishedKeys([key]));
        Assert.True(await verifier.VerifyAsync(message, message.Headers.First(x => x.Id == HeaderId.DkimSignature)));
    }

    [Fact]
    public async Task Without_a_key_the_message_goes_out_unsigned()
    {
        var h = new OutboundHarness(signer: new FixedSigner(null));
        var job = await h.OutboundJobAsync([Bob]);

        await h.RunAsync(job);

        Assert.StartsWith("From: <alice@a.test>", Encoding.ASCII.GetString(Assert.Single(h.Transport.Calls).Message));
    }

    [Fact]
    public async Task Without_a_transport_recipients_are_deferred_and_retried_and_the_route_stays_closed()
    {
        var h = new OutboundHarness(withTransport: false);
        var job = await h.OutboundJobAsync([Bob]);

        await h.RunAsync(job);

        var record = await h.RecordAsync(job, Bob);
        Assert.Equal((DeliveryStatus.Deferred, OutboundStage.NoTransportReply), (record.Status, record.LastReply));
        Assert.Single(h.Retries);
        Assert.False(new OutboundDeliveryRoute().CanDeliverRemotely);
        Assert.True(new OutboundDeliveryRoute(h.Transport).CanDeliverRemotely);
    }

    [Fact]
    public async Task A_missing_blob_with_work_left_is_permanent()
    {
        var h = new OutboundHarness();
        var job = await h.OutboundJobAsync([Bob]);
        await h.Blobs.DeleteAsync(job.Blob.Id, CancellationToken.None);

        Assert.IsType<StageOutcome.Permanent>(await h.RunAsync(job));
        Assert.Empty(h.Transport.Calls);
    }

    private sealed class FixedSigner(string? header) : IOutboundMessageSigner
    {
        public async Task<string?> SignatureHeaderAsync(Stream message, CancellationToken cancellationToken)
        {
            using var reader = new StreamReader(message, leaveOpen: true);
            Assert.StartsWith("From: <alice@a.test>", await reader.ReadToEndAsync(cancellationToken));
            return header;
        }
    }
}
