using Azure;
using Azure.Data.Tables;

namespace CloudMail.Storage.Azure.Tables;

/// <summary>Key and concurrency columns every typed Table row has.</summary>
internal abstract class TableRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
}

/// <summary>A row read with its keys and, for message rows, the blob it refers to (deletes that record reclaim candidates).</summary>
internal sealed class KeyAndBlobRow : TableRow
{
    /// <summary>The columns to select for it.</summary>
    public static readonly IReadOnlyList<string> Columns = ["PartitionKey", "RowKey", "BlobId"];

    public string? BlobId { get; set; }
}

/// <summary>A row read with its keys only (existence checks, deletes).</summary>
internal sealed class KeyOnlyRow : TableRow
{
    /// <summary>The columns to select for it.</summary>
    public static readonly IReadOnlyList<string> Columns = ["PartitionKey", "RowKey"];
}
