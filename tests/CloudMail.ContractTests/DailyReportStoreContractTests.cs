using CloudMail.Core.Reporting;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="IDailyReportStore"/> part of every daily report store's contract (TLS-RPT, DMARC): the unsent domains
/// of a day, marking a report sent, and removing old days. Each test uses a day of its own, so a shared store holding
/// other tests' days does not disturb it.
/// </summary>
/// <typeparam name="TStore">The report store under test.</typeparam>
public abstract class DailyReportStoreContractTests<TStore> : ContractTest<TStore> where TStore : class, IDailyReportStore
{
    protected TStore Store => Subject;

    /// <summary>A day far in the future, unlikely to be any other test's.</summary>
    protected static DateOnly FreshDay() => new DateOnly(2040, 1, 1).AddDays(Random.Shared.Next(0, 36_500));

    /// <summary>Counts one item of <paramref name="day"/> for <paramref name="domain"/>, <paramref name="variant"/> choosing one of two kinds of row.</summary>
    protected abstract Task CountAsync(DateOnly day, string domain, int variant);

    /// <summary>How many rows <c>GetAsync</c> returns for <paramref name="domain"/> on <paramref name="day"/>.</summary>
    protected abstract Task<int> RowsAsync(string domain, DateOnly day);

    [Fact]
    public async Task Unsent_domains_of_a_day_are_listed_sorted_until_marked_sent()
    {
        DateOnly day = FreshDay();
        string[] domains = [Unique.Domain(), Unique.Domain(), Unique.Domain()];
        foreach (string domain in domains) await CountAsync(day, domain, 0);

        Assert.Equal(domains.Order(StringComparer.Ordinal), await Store.UnsentDomainsAsync(day, Ct));

        await Store.MarkSentAsync(domains[1], day, Ct);
        await Store.MarkSentAsync(domains[1], day, Ct);

        Assert.Equal(domains.Where(d => d != domains[1]).Order(StringComparer.Ordinal), await Store.UnsentDomainsAsync(day, Ct));
        Assert.Empty(await Store.UnsentDomainsAsync(day.AddDays(1), Ct));
        Assert.Equal(1, await RowsAsync(domains[1], day)); // Marked sent, the counts stay readable.
    }

    [Fact]
    public async Task Days_before_the_given_one_are_removed()
    {
        // Days of their own, before every other test's, so removing them disturbs no other test.
        var day = new DateOnly(2001, 1, 1).AddDays(Random.Shared.Next(0, 3000));
        string domain = Unique.Domain();
        await CountAsync(day.AddDays(-1), domain, 1);
        await Store.MarkSentAsync(domain, day.AddDays(-1), Ct);
        await CountAsync(day, domain, 0);

        int removed = await Store.RemoveBeforeAsync(day, Ct);

        Assert.True(removed >= 2, $"removed {removed} rows");
        Assert.Equal(0, await RowsAsync(domain, day.AddDays(-1)));
        Assert.Equal(1, await RowsAsync(domain, day));
        Assert.Equal([domain], await Store.UnsentDomainsAsync(day, Ct));
    }
}
