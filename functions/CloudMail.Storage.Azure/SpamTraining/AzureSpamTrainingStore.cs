using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CloudMail.Core.Filtering.Training;
using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.SpamTraining;

/// <summary>
/// <see cref="ISpamTrainingStore"/> in the <see cref="AzureResourceNames.Tables.SpamTraining"/> table: partition =
/// <c>a:</c> + the escaped account, row = the inverted ticks of the recording time (19 digits, so a partition reads newest
/// first) + <c>:</c> + the id. One account's list is one partition query; the list of every account and the learner's due
/// signals are filtered scans (the table holds what users file by hand, a small table).
/// </summary>
public sealed class AzureSpamTrainingStore(TableClient table) : ISpamTrainingStore
{
    public async Task RecordAsync(TrainingSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        try
        {
            await table.AddEntityAsync(ToEntity(signal), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == TableErrors.Conflict)
        {
            // Recorded already: a retried write.
        }
    }

    public async Task<IReadOnlyList<TrainingSignal>> ListAsync(string? account, int limit, CancellationToken cancellationToken)
    {
        string? filter = account is null ? null : TableQueries.Partition(Partition(account));
        var all = await QueryAsync(filter, account is null ? int.MaxValue : limit, cancellationToken).ConfigureAwait(false);
        return [.. all.OrderByDescending(s => s.RecordedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal).Take(limit)];
    }

    public async Task<IReadOnlyList<TrainingSignal>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"State eq {nameof(TrainingState.Pending)} and DueAtTicks le {StoredTime.ToTicks(now)}");
        var due = await QueryAsync(filter, int.MaxValue, cancellationToken).ConfigureAwait(false);
        return [.. due.OrderBy(s => s.DueAt).ThenBy(s => s.Id, StringComparer.Ordinal).Take(limit)];
    }

    /// <summary>A query over the whole table for settled signals recorded before the cutoff (a scan), deleted as each page arrives.</summary>
    public Task<int> ForgetSettledBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        table.DeleteMatchingAsync(TableClient.CreateQueryFilter(
            $"State ne {nameof(TrainingState.Pending)} and RecordedAtTicks lt {StoredTime.ToTicks(before)}"), cancellationToken);

    public async Task UpdateAsync(TrainingSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        await table.UpsertEntityAsync(ToEntity(signal), TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<TrainingSignal>> QueryAsync(string? filter, int limit, CancellationToken cancellationToken)
    {
        var signals = new List<TrainingSignal>();
        await foreach (SpamTrainingEntity row in table.QueryAsync<SpamTrainingEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Enum.TryParse(row.Kind, out TrainingKind kind) && Enum.TryParse(row.State, out TrainingState state))
            {
                var recorded = StoredTime.FromTicks(row.RecordedAtTicks);
                var due = StoredTime.FromTicks(row.DueAtTicks);
                signals.Add(new TrainingSignal(row.Id, row.Account, kind, row.BlobId, row.Source, row.Destination, recorded, state, row.Attempts,
                    due == recorded ? null : due, row.LastError));
            }
            if (signals.Count >= limit) break;
        }
        return signals;
    }

    private static SpamTrainingEntity ToEntity(TrainingSignal s) => new()
    {
        PartitionKey = Partition(s.Account),
        RowKey = (DateTimeOffset.MaxValue.UtcTicks - s.RecordedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + ":" + s.Id,
        Id = s.Id,
        Account = s.Account,
        Kind = s.Kind.ToString(),
        BlobId = s.BlobId,
        Source = s.Source,
        Destination = s.Destination,
        RecordedAtTicks = StoredTime.ToTicks(s.RecordedAt),
        State = s.State.ToString(),
        Attempts = s.Attempts,
        DueAtTicks = StoredTime.ToTicks(s.DueAt),
        LastError = s.LastError,
    };

    private static string Partition(string account) => "a:" + TableKeys.Escape(account);
}

/// <summary>One training signal (<see cref="AzureSpamTrainingStore"/>).</summary>
internal sealed class SpamTrainingEntity : TableRow
{
    public string Id { get; set; } = "";
    public string Account { get; set; } = "";
    public string Kind { get; set; } = "";
    public string BlobId { get; set; } = "";
    public string Source { get; set; } = "";
    public string Destination { get; set; } = "";
    public long RecordedAtTicks { get; set; }
    public string State { get; set; } = "";
    public int Attempts { get; set; }
    public long DueAtTicks { get; set; }
    public string? LastError { get; set; }
}
