using Azure.Data.Tables;

namespace CloudMail.Storage.Azure.Tables;

/// <summary>OData filters for the query shapes the adapters use (values are quoted by the SDK).</summary>
internal static class TableQueries
{
    /// <summary>Rows of one partition whose RowKey starts with <paramref name="rowKeyPrefix"/>.</summary>
    public static string RowPrefix(string partitionKey, string rowKeyPrefix) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {rowKeyPrefix} and RowKey lt {TableKeys.UpperBound(rowKeyPrefix)}");

    /// <summary>Rows of one partition with RowKey in [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public static string RowRange(string partitionKey, string from, string to) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {from} and RowKey le {to}");

    /// <summary>Rows of every partition starting with <paramref name="partitionPrefix"/> whose RowKey starts with <paramref name="rowKeyPrefix"/> (a scan).</summary>
    public static string AcrossPartitions(string partitionPrefix, string rowKeyPrefix) =>
        TableClient.CreateQueryFilter(
            $"PartitionKey ge {partitionPrefix} and PartitionKey lt {TableKeys.UpperBound(partitionPrefix)} and RowKey ge {rowKeyPrefix} and RowKey lt {TableKeys.UpperBound(rowKeyPrefix)}");

    /// <summary>Every row of one partition.</summary>
    public static string Partition(string partitionKey) => TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");
}
