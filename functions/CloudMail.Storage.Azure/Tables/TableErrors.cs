using Azure;
using Azure.Data.Tables;

namespace CloudMail.Storage.Azure.Tables;

/// <summary>HTTP statuses the Table adapters act on, and how to read them from SDK exceptions.</summary>
internal static class TableErrors
{
    public const int NotFound = 404;
    public const int Conflict = 409;
    public const int PreconditionFailed = 412;

    /// <summary>
    /// Index of the action that failed in an entity-group transaction, or null when the service did not say
    /// (then the whole batch is treated as failed for the reason in <see cref="RequestFailedException.Status"/>).
    /// </summary>
    public static int? FailedIndex(this RequestFailedException exception) =>
        exception is TableTransactionFailedException batch ? batch.FailedTransactionActionIndex : null;

    /// <summary>True for the statuses that mean "someone else changed or removed the row since we read it".</summary>
    public static bool IsConcurrencyFailure(this RequestFailedException exception) =>
        exception.Status is NotFound or Conflict or PreconditionFailed;
}
