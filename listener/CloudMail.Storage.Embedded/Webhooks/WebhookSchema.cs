namespace CloudMail.Storage.Embedded.Webhooks;

/// <summary>The webhook subscriptions (in the main database, migration 8).</summary>
internal static class WebhookSchema
{
    public const string V1 = """
        -- One row per subscription; scope is a local domain or an address in one (lower-cased).
        CREATE TABLE webhooks (
            id          TEXT    NOT NULL PRIMARY KEY,
            scope       TEXT    NOT NULL,
            url         TEXT    NOT NULL,
            secret      TEXT    NOT NULL,        -- the HMAC key itself: the server signs with it (like dkim_keys)
            events      TEXT    NOT NULL,        -- MailEventTypes.Format: received,delivered,deferred,bounced
            created_at  INTEGER NOT NULL         -- UTC ticks
        ) WITHOUT ROWID;
        CREATE INDEX webhooks_by_scope ON webhooks (scope, id);
        """;
}
