using CloudMail.Core.Events;
using CloudMail.Storage.Embedded.Sqlite;
using Microsoft.Data.Sqlite;

namespace CloudMail.Storage.Embedded.Webhooks;

/// <summary><see cref="IWebhookStore"/> as the <c>webhooks</c> table of mail.db; each write is one transaction.</summary>
internal sealed class SqliteWebhookStore(SqliteDatabase db) : IWebhookStore
{
    private const string Columns = "id, scope, url, secret, events, created_at";

    public Task<bool> AddAsync(WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return db.WriteAsync(c => c.Execute($"""
            INSERT INTO webhooks ({Columns}) VALUES (@i, @s, @u, @k, @e, @t)
            ON CONFLICT (id) DO NOTHING
            """, ("@i", subscription.Id), ("@s", subscription.Scope), ("@u", subscription.Url), ("@k", subscription.Secret),
            ("@e", MailEventTypes.Format(subscription.Events)), ("@t", StoredTime.ToTicks(subscription.CreatedAt))) == 1, cancellationToken);
    }

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken) =>
        db.WriteAsync(c => c.Execute("DELETE FROM webhooks WHERE id = @i", ("@i", id)) == 1, cancellationToken);

    public Task<WebhookSubscription?> GetAsync(string id, CancellationToken cancellationToken) =>
        db.ReadAsync<WebhookSubscription?>(c => c.QueryFirstOrDefault($"SELECT {Columns} FROM webhooks WHERE id = @i", Read, ("@i", id)), cancellationToken);

    public Task<IReadOnlyList<WebhookSubscription>> ListAsync(string scope, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<WebhookSubscription>>(c => [.. c.Query($"SELECT {Columns} FROM webhooks WHERE scope = @s ORDER BY id", Read, ("@s", scope))],
            cancellationToken);

    public Task<IReadOnlyList<WebhookSubscription>> ListAllAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<WebhookSubscription>>(c => [.. c.Query($"SELECT {Columns} FROM webhooks ORDER BY scope, id", Read)], cancellationToken);

    private static WebhookSubscription Read(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Events(r.GetString(4)), StoredTime.FromTicks(r.GetInt64(5)));

    private static IReadOnlyList<MailEventType> Events(string stored) => MailEventTypes.TryParseList(stored, out var types, out _) ? types : [];
}
