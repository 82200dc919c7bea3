using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.DeliveryLog;

/// <summary>
/// One row of the delivery log table: PartitionKey = escaped message id, RowKey = escaped lower-cased recipient.
/// </summary>
internal sealed class DeliveryEntity : TableRow
{
    public string MessageId { get; set; } = "";
    public string Recipient { get; set; } = "";

    /// <summary><see cref="Core.DeliveryLog.DeliveryStatus"/> by name.</summary>
    public string Status { get; set; } = "";
    public int Attempts { get; set; }
    public string? LastReply { get; set; }
    public long UpdatedAtTicks { get; set; }
}

/// <summary>
/// One attempt of a recipient (<see cref="Core.DeliveryLog.DeliveryAttempt"/>), in the same partition as the recipient's
/// <see cref="DeliveryEntity"/>: RowKey = <c>attempt:{escaped recipient}:{ticks, 19 digits}:{status}</c>. Escaped values
/// never contain ':' (<see cref="TableKeys"/>), so no recipient row starts with the prefix and a recipient's attempts are
/// one row range, oldest first.
/// </summary>
internal sealed class DeliveryAttemptEntity : TableRow
{
    /// <summary>The RowKey prefix of every attempt row.</summary>
    public const string Prefix = "attempt:";

    public string MessageId { get; set; } = "";
    public string Recipient { get; set; } = "";
    public long AtTicks { get; set; }
    public string Stage { get; set; } = "";

    /// <summary><see cref="Core.DeliveryLog.DeliveryStatus"/> by name, after the attempt.</summary>
    public string Status { get; set; } = "";
    public int Attempt { get; set; }
    public string? RemoteHost { get; set; }
    public string? Reply { get; set; }
    public long? NextAttemptAtTicks { get; set; }

    /// <summary>The RowKey prefix of <paramref name="recipient"/>'s attempts (lower-cased recipient).</summary>
    public static string RecipientPrefix(string recipient) => Prefix + TableKeys.Escape(recipient) + ":";
}
