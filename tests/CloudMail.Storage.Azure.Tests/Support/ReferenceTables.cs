using Azure.Data.Tables;
using CloudMail.ContractTests;

namespace CloudMail.Storage.Azure.Tests.Support;

/// <summary>
/// Fresh blob-holder and reclaim-candidate tables for one test (candidate listing is global, so tests that reclaim must
/// not see each other's candidates), deleted on dispose.
/// </summary>
public sealed class ReferenceTables : IAsyncDisposable
{
    private ReferenceTables(TableClient holders, TableClient candidates)
    {
        Holders = holders;
        Candidates = candidates;
    }

    public TableClient Holders { get; }

    public TableClient Candidates { get; }

    public static async Task<ReferenceTables> CreateAsync(CancellationToken cancellationToken)
    {
        var clients = await Azurite.ClientsAsync();
        var tables = new ReferenceTables(clients.Table("holders" + Unique.Suffix()), clients.Table("candidates" + Unique.Suffix()));
        await tables.Holders.CreateIfNotExistsAsync(cancellationToken);
        await tables.Candidates.CreateIfNotExistsAsync(cancellationToken);
        return tables;
    }

    public async ValueTask DisposeAsync()
    {
        await Holders.DeleteAsync();
        await Candidates.DeleteAsync();
    }
}
