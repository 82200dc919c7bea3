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
