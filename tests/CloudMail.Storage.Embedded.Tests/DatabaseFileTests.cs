using CloudMail.Storage.Embedded.Tests.Support;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>The SQLite files: where they are and how they are configured.</summary>
public sealed class DatabaseFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData(EmbeddedStorage.MailDatabaseFile, 26L)]
    [InlineData(EmbeddedStorage.QueueDatabaseFile, 2L)]
    public void Each_database_is_a_WAL_file_with_a_schema_version(string file, long version)
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, file)};Pooling=False");
        connection.Open();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal(version, Scalar(connection, "PRAGMA user_version"));
    }

    [Theory]
    [InlineData(EmbeddedStorage.MailDatabaseFile)]
    [InlineData(EmbeddedStorage.QueueDatabaseFile)]
    public void A_database_file_that_is_not_one_is_named_with_what_to_do(string file)
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }
        string path = Path.Combine(_folder.Path, file);
        using (var damaged = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            damaged.Write("not a database header"u8); // over SQLite's 16-byte magic string
        }

        var refused = Assert.Throws<InvalidDataException>(() => EmbeddedStorage.Open(_folder.Path));

        Assert.StartsWith($"The database {path} is damaged or is not a CloudMail database (SQLite Error 26: 'file is not a database'.); restore", refused.Message);
        Assert.IsType<SqliteException>(refused.InnerException);
    }

    [Fact]
    public async Task Queue_database_of_the_previous_schema_gains_the_small_blob_table()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }
        Execute(EmbeddedStorage.QueueDatabaseFile, "DROP TABLE blobs; PRAGMA user_version = 1");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        string id = ContractTests.Unique.MessageId();
        await using (Core.Blobs.IBlobWriter writer = again.Blobs.CreateWriter(id))
        {
            await writer.WriteAsync(new byte[] { 1, 2 }, CancellationToken.None);
            await writer.CommitAsync(CancellationToken.None);
        }
        Assert.True(await again.Blobs.ExistsAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_reclaim_candidates_for_its_existing_messages()
    {
        string account = ContractTests.Unique.Account();
        Core.Mailboxes.AppendResult appended;
        await using (EmbeddedStorage first = EmbeddedStorage.Open(_folder.Path))
        {
            await first.Mailboxes.EnsureDefaultMailboxesAsync(account, CancellationToken.None);
            appended = await first.Mailboxes.AppendAsync(account, "INBOX", ContractTests.TestData.BlobRef(), DateTimeOffset.UtcNow,
                Core.Mailboxes.MessageFlags.None, [], null, CancellationToken.None);
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + UndoSearchIndex + UndoSaveDate + UndoAttempts + UndoDisabled + UndoQuarantine + UndoDmarcReports + UndoWebhooks + UndoQuotaColumns + UndoSenderLists + UndoPruningColumns + "DROP TABLE tls_report_policies; DROP TABLE tls_report_failures; DROP TABLE tls_report_sent; DROP TABLE dkim_keys; DROP TABLE reclaim_candidates; DROP INDEX messages_by_blob; PRAGMA user_version = 1");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        await again.Mailboxes.ExpungeAsync(account, "INBOX", [appended.Uid], CancellationToken.None);

        Assert.Single(await again.References.ListDueCandidatesAsync(DateTimeOffset.UtcNow, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_the_dkim_key_table_and_keeps_its_directory()
    {
        await using (EmbeddedStorage first = EmbeddedStorage.Open(_folder.Path))
        {
            await first.MailDirectory.AddDomainAsync("a.test", CancellationToken.None);
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + UndoSearchIndex + UndoSaveDate + UndoAttempts + UndoDisabled + UndoQuarantine + UndoDmarcReports + UndoWebhooks + UndoQuotaColumns + UndoSenderLists + UndoPruningColumns + "DROP TABLE tls_report_policies; DROP TABLE tls_report_failures; DROP TABLE tls_report_sent; DROP TABLE dkim_keys; PRAGMA user_version = 2");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        await again.DkimKeys.AddAsync(Core.Dkim.DkimKeyGenerator.NewRsaKey("a.test", "s1", DateTimeOffset.UtcNow), CancellationToken.None);

        Assert.Single(await again.DkimKeys.ActiveKeysAsync("a.test", CancellationToken.None));
        Assert.True(await again.MailDirectory.IsLocalDomainAsync("a.test", CancellationToken.None));
    }

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_the_TLS_report_tables()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + UndoSearchIndex + UndoSaveDate + UndoAttempts + UndoDisabled + UndoQuarantine + UndoDmarcReports + UndoWebhooks + UndoQuotaColumns + UndoSenderLists + UndoPruningColumns + "DROP TABLE tls_report_policies; DROP TABLE tls_report_failures; DROP TABLE tls_report_sent; PRAGMA user_version = 3");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        var day = new DateOnly(2026, 12, 3);
        await again.TlsReports.RecordAsync(day, new Core.TlsReporting.TlsSessionResult(Core.TlsReporting.TlsReportPolicy.None("b.test")), CancellationToken.None);

        Assert.Equal(["b.test"], await again.TlsReports.UnsentDomainsAsync(day, CancellationToken.None));
    }

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_the_DMARC_report_tables()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + UndoSearchIndex + UndoSaveDate + UndoAttempts + UndoDisabled + UndoQuarantine + UndoDmarcReports + "PRAGMA user_version = 8");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        var day = new DateOnly(2026, 12, 3);
        await again.DmarcReports.RecordAsync(day, new Core.DmarcReporting.DmarcMessageResult("b.test", "192.0.2.1", "b.test", "b.test",
            Core.Dmarc.DmarcPolicy.None, true, true, [], new Core.DmarcReporting.DmarcSpfResult("b.test", "mfrom", "pass")), CancellationToken.None);

        Assert.Equal(["b.test"], await again.DmarcReports.UnsentDomainsAsync(day, CancellationToken.None));
    }

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_the_quarantine_table()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + UndoSearchIndex + UndoSaveDate + UndoAttempts + UndoDisabled + UndoQuarantine + "PRAGMA user_version = 9");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        string id = ContractTests.Unique.MessageId();
        var envelope = new Core.Messages.Envelope("a@b.test", ["c@d.test"], null, "192.0.2.1", "helo", DateTimeOffset.UtcNow);
        var job = new Core.Queue.MailJob(id, id, ContractTests.TestData.BlobRef(), envelope);
        Assert.True(await again.Quarantine.AddAsync(new Core.Quarantine.QuarantineEntry(id, job, "Eicar-Test-Signature", DateTimeOffset.UtcNow), CancellationToken.None));
        Assert.Equal("Eicar-Test-Signature", (await again.Quarantine.GetAsync(id, CancellationToken.None))!.Signature);
    }

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_the_DMARC_reason_column_and_keeps_its_rows()
    {
        var day = new DateOnly(2026, 12, 3);
        var plain = new Core.DmarcReporting.DmarcMessageResult("b.test", "192.0.2.1", "b.test", "b.test",
            Core.Dmarc.DmarcPolicy.None, true, true, [], new Core.DmarcReporting.DmarcSpfResult("b.test", "mfrom", "pass"));
        await using (EmbeddedStorage first = EmbeddedStorage.Open(_folder.Path))
        {
            await first.DmarcReports.RecordAsync(day, plain, CancellationToken.None);
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + "PRAGMA user_version = 17");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        var sampled = plain with { Disposition = Core.Dmarc.DmarcPolicy.Quarantine,
            Reasons = [new Core.DmarcReporting.DmarcOverrideReason(Core.DmarcReporting.DmarcOverride.SampledOut, "pct=50")] };
        await again.DmarcReports.RecordAsync(day, sampled, CancellationToken.None);

        var rows = await again.DmarcReports.GetAsync("b.test", day, CancellationToken.None);
        Assert.Equal(2, rows.Count);
        Assert.Single(rows, r => r.Result.OverrideReasons.Count == 0);
        Assert.Equal("sampled_out pct=50", Assert.Single(rows.SelectMany(r => r.Result.OverrideReasons)) is var x ? x.Keyword + " " + x.Comment : null);
    }

    [Fact]
    public void Opening_an_existing_folder_again_keeps_the_schema()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }

        using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);

        Assert.True(File.Exists(again.QueueDatabase.Path));
    }

    [Fact]
    public void Database_from_a_newer_build_is_refused()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }
        Execute(EmbeddedStorage.QueueDatabaseFile, "PRAGMA user_version = 99");

        Assert.Throws<InvalidOperationException>(() => EmbeddedStorage.Open(_folder.Path));
    }

    /// <summary>Undoes migration 12 (the quarantine; 10 and 11 are reserved for other work and change nothing here yet).</summary>
    private const string UndoQuarantine = "DROP TABLE quarantine; ";

    /// <summary>Undoes migration 7 (per-account quotas).</summary>
    private const string UndoQuotaColumns = "ALTER TABLE accounts DROP COLUMN quota_storage_bytes; ALTER TABLE accounts DROP COLUMN quota_messages; ";

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_quota_columns_and_keeps_its_accounts()
    {
        await using (EmbeddedStorage first = EmbeddedStorage.Open(_folder.Path))
        {
            await first.MailDirectory.AddDomainAsync("a.test", CancellationToken.None);
            await first.MailDirectory.AddAccountAsync("old@a.test", "hash", CancellationToken.None);
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + UndoSearchIndex + UndoSaveDate + UndoAttempts + UndoDisabled + UndoQuarantine + UndoDmarcReports + UndoWebhooks + UndoQuotaColumns + "PRAGMA user_version = 6");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        var account = await again.MailDirectory.GetAccountAsync("old@a.test", CancellationToken.None);
        Assert.Equal("hash", account!.PasswordHash);
        Assert.Null(account.Quota);
        await again.MailDirectory.SetQuotaAsync("old@a.test", new Core.Directory.AccountQuota(1024, 10), CancellationToken.None);
        Assert.Equal(new Core.Directory.AccountQuota(1024, 10), (await again.MailDirectory.GetAccountAsync("old@a.test", CancellationToken.None))!.Quota);
    }

    /// <summary>Undoes migration 6 (the sender lists).</summary>
    private const string UndoSenderLists = "DROP TABLE sender_lists; ";

    /// <summary>Undoes migration 8 (the webhook subscriptions).</summary>
    private const string UndoWebhooks = "DROP TABLE webhooks; ";

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_the_webhook_table()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + UndoSearchIndex + UndoSaveDate + UndoAttempts + UndoDisabled + UndoQuarantine + UndoDmarcReports + UndoWebhooks + "PRAGMA user_version = 7");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        var subscription = new Core.Events.WebhookSubscription("wh_1", "a.test", "https://hooks.example/", "whsec_1",
            [Core.Events.MailEventType.Received], DateTimeOffset.UnixEpoch);

        Assert.True(await again.Webhooks.AddAsync(subscription, CancellationToken.None));
        Assert.Equal([subscription], await again.Webhooks.ListAsync("a.test", CancellationToken.None));
    }

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_the_sender_list_table()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + UndoSearchIndex + UndoSaveDate + UndoAttempts + UndoDisabled + UndoQuarantine + UndoDmarcReports + UndoWebhooks + UndoQuotaColumns + UndoSenderLists + "PRAGMA user_version = 5");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        var entry = new Core.Filtering.SenderLists.SenderListEntry("a.test", Core.Filtering.SenderLists.SenderListKind.Block, "b.test", DateTimeOffset.UnixEpoch);

        Assert.True(await again.SenderLists.AddAsync(entry, CancellationToken.None));
        Assert.Equal([entry], await again.SenderLists.ListAsync("a.test", CancellationToken.None));
    }

    /// <summary>Undoes migration 13 (the account's disabled state).</summary>
    private const string UndoDisabled = "ALTER TABLE accounts DROP COLUMN disabled; ";

    /// <summary>Undoes migration 14 (the delivery attempt history).</summary>
    private const string UndoAttempts = "DROP TABLE delivery_attempts; ";

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_the_disabled_state_with_every_account_enabled_and_the_attempt_history()
    {
        string address = "a@" + "a.test";
        await using (EmbeddedStorage first = EmbeddedStorage.Open(_folder.Path))
        {
            await first.MailDirectory.AddDomainAsync("a.test", CancellationToken.None);
            await first.MailDirectory.AddAccountAsync(address, "hash", CancellationToken.None);
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + UndoSearchIndex + UndoSaveDate + UndoAttempts + UndoDisabled + "PRAGMA user_version = 12");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        Assert.False((await again.MailDirectory.GetAccountAsync(address, CancellationToken.None))!.Disabled);
        await again.MailDirectory.SetDisabledAsync(address, true, CancellationToken.None);
        Assert.True((await again.MailDirectory.GetAccountAsync(address, CancellationToken.None))!.Disabled);
        string messageId = ContractTests.Unique.MessageId();
        await again.DeliveryLog.RecordAsync(new Core.DeliveryLog.DeliveryRecord(messageId, address, Core.DeliveryLog.DeliveryStatus.Delivered, 1, "250 ok",
            DateTimeOffset.UtcNow, Core.DeliveryLog.DeliveryStages.Inbound), CancellationToken.None);
        Assert.Single(await again.DeliveryLog.GetAttemptsAsync(messageId, CancellationToken.None));
    }

    /// <summary>Undoes migration 15 (the save date of messages).</summary>
    private const string UndoSaveDate = "ALTER TABLE messages DROP COLUMN save_date; ";

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_save_dates_unknown_for_its_existing_messages()
    {
        string account = ContractTests.Unique.Account();
        Core.Mailboxes.AppendResult old;
        await using (EmbeddedStorage first = EmbeddedStorage.Open(_folder.Path))
        {
            await first.Mailboxes.EnsureDefaultMailboxesAsync(account, CancellationToken.None);
            old = await first.Mailboxes.AppendAsync(account, "INBOX", ContractTests.TestData.BlobRef(), DateTimeOffset.UtcNow,
                Core.Mailboxes.MessageFlags.None, [], null, CancellationToken.None);
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + UndoSearchIndex + UndoSaveDate + "PRAGMA user_version = 14");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        var added = await again.Mailboxes.AppendAsync(account, "INBOX", ContractTests.TestData.BlobRef(), DateTimeOffset.UtcNow,
            Core.Mailboxes.MessageFlags.None, [], null, CancellationToken.None);
        var messages = await again.Mailboxes.GetMessagesAsync(account, "INBOX", CancellationToken.None);

        Assert.Null(messages.Single(m => m.Uid == old.Uid).SaveDate); // unknown: IMAP FETCH SAVEDATE answers NIL (RFC 8514)
        Assert.NotNull(messages.Single(m => m.Uid == added.Uid).SaveDate);
    }

    /// <summary>Undoes migration 16 (the search index).</summary>
    internal const string UndoSearchIndex =
        "DROP TRIGGER search_pending_on_insert; DROP TABLE search_pending; DROP TABLE search_text; DROP TABLE search_docs; ";

    /// <summary>Undoes migration 19 (the delivery log's index by time).</summary>
    internal const string UndoTimeIndex = "DROP INDEX delivery_log_by_time; ";

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_the_delivery_log_index_by_time_used_by_the_dashboard_counts()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + "PRAGMA user_version = 18");

        await using (EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path))
        {
            await again.DeliveryLog.RecordAsync(new Core.DeliveryLog.DeliveryRecord(ContractTests.Unique.MessageId(), "a@b.test",
                Core.DeliveryLog.DeliveryStatus.Delivered, 1, "250 ok", DateTimeOffset.UtcNow), CancellationToken.None);
        }

        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, EmbeddedStorage.MailDatabaseFile)};Pooling=False");
        connection.Open();
        using var plan = connection.CreateCommand();
        plan.CommandText = "EXPLAIN QUERY PLAN SELECT status, count(*) FROM delivery_log WHERE updated_at >= 0 GROUP BY status";
        using var reader = plan.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read()) steps.Add(reader.GetString(3));
        Assert.Contains(steps, step => step.Contains("delivery_log_by_time", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_structures_unknown_for_its_existing_messages()
    {
        string account = ContractTests.Unique.Account();
        Core.Mailboxes.AppendResult old;
        await using (EmbeddedStorage first = EmbeddedStorage.Open(_folder.Path))
        {
            await first.Mailboxes.EnsureDefaultMailboxesAsync(account, CancellationToken.None);
            old = await first.Mailboxes.AppendAsync(account, "INBOX", ContractTests.TestData.BlobRef(), DateTimeOffset.UtcNow,
                Core.Mailboxes.MessageFlags.None, [], null, CancellationToken.None);
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + "PRAGMA user_version = 19");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        Assert.Empty(await again.Mailboxes.GetStructuresAsync(account, "INBOX", [old.Uid], CancellationToken.None));
        await again.Mailboxes.SetStructuresAsync(account, "INBOX", [new(old.Uid, "{}")], CancellationToken.None);
        Assert.Equal("{}", Assert.Single(await again.Mailboxes.GetStructuresAsync(account, "INBOX", [old.Uid], CancellationToken.None)).Value);
    }

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_the_table_of_appended_blobs()
    {
        string account = ContractTests.Unique.Account();
        await using (EmbeddedStorage first = EmbeddedStorage.Open(_folder.Path))
            await first.Mailboxes.EnsureDefaultMailboxesAsync(account, CancellationToken.None);
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + "PRAGMA user_version = 20");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        var joint = Assert.IsAssignableFrom<Core.Mailboxes.IJointBlobMailboxIndex>(again.Mailboxes);
        await using var writer = again.Blobs.CreateWriter(ContractTests.Unique.MessageId());
        await writer.WriteAsync("Subject: after the upgrade\r\n\r\nhi\r\n"u8.ToArray(), CancellationToken.None);
        var prepared = Assert.IsType<Core.Mailboxes.PreparedBlob>(joint.TryPrepare(writer));
        await joint.AppendAllWithBlobsAsync(account, "INBOX",
            [new Core.Mailboxes.MessageToAppend(prepared.Blob, DateTimeOffset.UtcNow, Core.Mailboxes.MessageFlags.None, [])], [writer], CancellationToken.None);

        await using Stream read = await again.Blobs.OpenReadAsync(prepared.Blob.Id, CancellationToken.None);
        Assert.Equal("Subject: after the upgrade\r\n\r\nhi\r\n", await new StreamReader(read).ReadToEndAsync());
    }

    /// <summary>Undoes migration 21 (the blobs of messages appended over IMAP, committed with their index rows).</summary>
    internal const string UndoIndexBlobs = "DROP TABLE blobs; ";

    /// <summary>Undoes migration 20 (the stored message structures).</summary>
    internal const string UndoStructure = "ALTER TABLE messages DROP COLUMN structure; ";

    /// <summary>Undoes migration 18 (the override reasons of DMARC report rows).</summary>
    internal const string UndoDmarcReasons = "ALTER TABLE dmarc_report_rows DROP COLUMN reasons; ";

    /// <summary>Undoes migration 17 (spam training signals).</summary>
    internal const string UndoSpamTraining = "DROP TABLE spam_training; ";

    [Fact]
    public async Task Mail_database_of_the_previous_schema_gains_the_spam_training_table()
    {
        using (EmbeddedStorage.Open(_folder.Path))
        {
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + "PRAGMA user_version = 16");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        var signal = new Core.Filtering.Training.TrainingSignal("s1", "a@b.test", Core.Filtering.Training.TrainingKind.Spam, "blob", "INBOX", "Junk",
            new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
        await again.SpamTraining.RecordAsync(signal, CancellationToken.None);

        Assert.Equal([signal], await again.SpamTraining.ListAsync("a@b.test", 10, CancellationToken.None));
    }

    /// <summary>Undoes migration 9 (DMARC report tables).</summary>
    private const string UndoDmarcReports = "DROP TABLE dmarc_report_rows; DROP TABLE dmarc_report_sent; ";

    /// <summary>Turns a current mail.db back into schema version 3 (before expunge-log and append-key pruning).</summary>
    private const string UndoPruningColumns = """
        DROP INDEX append_keys_by_age; ALTER TABLE append_keys DROP COLUMN created_at;
        ALTER TABLE expunged DROP COLUMN expunged_at; ALTER TABLE mailboxes DROP COLUMN expunge_log_from;
        """;

    [Fact]
    public async Task Mail_database_of_the_previous_schema_keeps_its_append_keys_and_expunge_log_for_a_full_retention_period()
    {
        string account = "old@a.test";
        ulong beforeExpunge;
        await using (EmbeddedStorage first = EmbeddedStorage.Open(_folder.Path))
        {
            await first.Mailboxes.EnsureDefaultMailboxesAsync(account, CancellationToken.None);
            var appended = await first.Mailboxes.AppendAsync(account, "INBOX", ContractTests.TestData.BlobRef(), DateTimeOffset.UtcNow,
                Core.Mailboxes.MessageFlags.None, [], "job-1", CancellationToken.None);
            beforeExpunge = (await first.Mailboxes.GetMailboxAsync(account, "INBOX", CancellationToken.None))!.HighestModSeq;
            await first.Mailboxes.ExpungeAsync(account, "INBOX", [appended.Uid], CancellationToken.None);
        }
        Execute(EmbeddedStorage.MailDatabaseFile, UndoIndexBlobs + UndoStructure + UndoTimeIndex + UndoDmarcReasons + UndoSpamTraining + UndoSearchIndex + UndoSaveDate + UndoAttempts + UndoDisabled + UndoQuarantine + UndoDmarcReports + UndoWebhooks + UndoQuotaColumns + UndoSenderLists + UndoPruningColumns + "PRAGMA user_version = 4");

        await using EmbeddedStorage again = EmbeddedStorage.Open(_folder.Path);
        var hourAgo = DateTimeOffset.UtcNow.AddHours(-1);
        var pruned = await again.Mailboxes.PruneAsync(account, new Core.Mailboxes.PruneCutoffs(hourAgo, hourAgo), CancellationToken.None);

        Assert.Equal(new Core.Mailboxes.PruneResult(0, 0), pruned);
        var changes = await again.Mailboxes.GetChangesSinceAsync(account, "INBOX", beforeExpunge, CancellationToken.None);
        Assert.True(changes.Complete);
        Assert.Single(changes.Expunged);
    }

    /// <summary>Runs <paramref name="sql"/> on a database of the (closed) store, as another tool would.</summary>
    private void Execute(string file, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder.Path, file)};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose() => _folder.Dispose();
}
