namespace CloudMail.Storage.Embedded.Mailboxes;

/// <summary>Tables of the mailbox index (in the main database).</summary>
internal static class MailboxSchema
{
    public const string V1 = """
        -- Per-account state that must outlive the account's mailboxes: the last UIDVALIDITY handed out,
        -- so a mailbox deleted and recreated under the same name never gets the same UIDVALIDITY.
        CREATE TABLE mailbox_accounts (
            account            TEXT NOT NULL PRIMARY KEY,
            last_uid_validity  INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- Counters (message_count, unseen_count, total_size) are maintained by every write, so SELECT,
        -- STATUS and quota never scan messages.
        CREATE TABLE mailboxes (
            id              INTEGER PRIMARY KEY,
            account         TEXT NOT NULL,
            name            TEXT NOT NULL,            -- canonical: "INBOX" upper-case, others as created
            special_use     INTEGER NOT NULL,
            uid_validity    INTEGER NOT NULL,
            uid_next        INTEGER NOT NULL,
            highest_modseq  INTEGER NOT NULL,
            message_count   INTEGER NOT NULL,
            unseen_count    INTEGER NOT NULL,
            total_size      INTEGER NOT NULL,
            UNIQUE (account, name)
        );

        CREATE TABLE messages (
            mailbox_id      INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
            uid             INTEGER NOT NULL,
            modseq          INTEGER NOT NULL,
            flags           INTEGER NOT NULL,         -- MessageFlags bits
            keywords        TEXT NOT NULL,            -- space-separated atoms
            blob_id         TEXT NOT NULL,
            blob_size       INTEGER NOT NULL,
            blob_sha256     TEXT NOT NULL,
            internal_date   INTEGER NOT NULL,         -- UTC ticks
            internal_offset INTEGER NOT NULL,         -- minutes east of UTC, as given
            PRIMARY KEY (mailbox_id, uid)
        ) WITHOUT ROWID;
        CREATE INDEX messages_by_modseq ON messages(mailbox_id, modseq);

        -- Expunge log for QRESYNC VANISHED (RFC 7162 §3.2.10).
        CREATE TABLE expunged (
            mailbox_id  INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
            uid         INTEGER NOT NULL,
            modseq      INTEGER NOT NULL,
            PRIMARY KEY (mailbox_id, uid)
        ) WITHOUT ROWID;
        CREATE INDEX expunged_by_modseq ON expunged(mailbox_id, modseq);

        CREATE TABLE subscriptions (
            account  TEXT NOT NULL,
            name     TEXT NOT NULL,
            PRIMARY KEY (account, name)
        ) WITHOUT ROWID;

        -- AppendAsync idempotency keys and the result they produced (kept even if the mailbox goes away).
        CREATE TABLE append_keys (
            account       TEXT NOT NULL,
            key           TEXT NOT NULL,
            uid_validity  INTEGER NOT NULL,
            uid           INTEGER NOT NULL,
            modseq        INTEGER NOT NULL,
            PRIMARY KEY (account, key)
        ) WITHOUT ROWID;
        """;

    /// <summary>Reclaiming message bytes (<see cref="SqliteMessageReferences"/>).</summary>
    public const string V2 = """
        -- Blobs that lost a reference (expunge, mailbox or account deletion) and may be reclaimable; written in the
        -- transaction that removed the reference. version changes on every write, so removing a listed candidate
        -- never drops a newer one.
        CREATE TABLE reclaim_candidates (
            blob_id  TEXT NOT NULL PRIMARY KEY,
            due      INTEGER NOT NULL,         -- UTC ticks: not examined before
            version  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX reclaim_candidates_by_due ON reclaim_candidates(due, blob_id);

        -- Whether any mailbox of any account still refers to a blob: one index seek.
        CREATE INDEX messages_by_blob ON messages(blob_id);
        """;

    /// <summary>Pruning the expunge log and append keys (<see cref="MailboxPruning"/>).</summary>
    public const string V3 = """
        -- Expunges with a MODSEQ up to this were pruned from the expunge log: a changed-since question from below it
        -- cannot be answered exactly (RFC 7162 §3.2.5.2) and gets every message instead.
        ALTER TABLE mailboxes ADD COLUMN expunge_log_from INTEGER NOT NULL DEFAULT 0;
        -- When each entry was logged or key used (UTC ticks); entries from before this migration count from now.
        ALTER TABLE expunged ADD COLUMN expunged_at INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE append_keys ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
        UPDATE expunged SET expunged_at = CAST(strftime('%s', 'now') AS INTEGER) * 10000000 + 621355968000000000;
        UPDATE append_keys SET created_at = CAST(strftime('%s', 'now') AS INTEGER) * 10000000 + 621355968000000000;
        CREATE INDEX append_keys_by_age ON append_keys(account, created_at);
        """;

    /// <summary>
    /// Migration 15: the save date of each message (IMAP SAVEDATE, RFC 8514 §3), UTC ticks. Rows stored before it have
    /// none (NULL): FETCH SAVEDATE answers NIL for them and the SAVED* search keys use the internal date.
    /// </summary>
    public const string V4 = """
        ALTER TABLE messages ADD COLUMN save_date INTEGER;
        """;

    /// <summary>
    /// Migration 20: each message's envelope and body structure (<see cref="Core.Mailboxes.Structure.StoredStructure"/>),
    /// computed when it was stored. Rows stored before it have none (NULL): the first FETCH parses the blob and writes it back.
    /// </summary>
    public const string V5 = """
        ALTER TABLE messages ADD COLUMN structure TEXT;
        """;
}
