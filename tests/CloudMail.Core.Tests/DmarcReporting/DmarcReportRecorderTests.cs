using CloudMail.Core.Dmarc;
using CloudMail.Core.DmarcReporting;
using CloudMail.Core.Failures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Tests.DmarcReporting;

/// <summary>The DMARC recorder is off by default, counts on the UTC day when on, and never fails a message over a lost count; its options are checked.</summary>
public sealed class DmarcReportRecorderTests
{
    private static readonly DmarcMessageResult Result = new("b.test", "192.0.2.1", "b.test", "b.test", DmarcPolicy.None, true, true, [],
        new DmarcSpfResult("b.test", "mfrom", "pass"));

    private sealed class OneCallStore(Exception? failure = null) : IDmarcReportStore
    {
        public List<(DateOnly Day, DmarcMessageResult Result)> Recorded { get; } = [];

        public Task RecordAsync(DateOnly day, DmarcMessageResult result, CancellationToken cancellationToken)
        {
            if (failure is not null) throw failure;
            Recorded.Add((day, result));
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<DmarcResultCount>> GetAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<string>> UnsentDomainsAsync(DateOnly day, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task MarkSentAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<int> RemoveBeforeAsync(DateOnly day, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static DmarcReportRecorder Recorder(IDmarcReportStore store, DmarcReportingOptions options)
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        clock.Advance(new DateTimeOffset(2026, 12, 3, 23, 30, 0, TimeSpan.FromHours(-2)) - clock.GetUtcNow());
        return new DmarcReportRecorder(store, Options.Create(options), clock, NullLogger<DmarcReportRecorder>.Instance);
    }

    [Fact]
    public async Task Nothing_is_counted_by_default()
    {
        var store = new OneCallStore();

        await Recorder(store, new DmarcReportingOptions()).RecordAsync(Result, CancellationToken.None);

        Assert.Empty(store.Recorded);
    }

    [Fact]
    public async Task When_on_a_message_is_counted_on_its_UTC_day()
    {
        var store = new OneCallStore();

        await Recorder(store, new DmarcReportingOptions { Enabled = true }).RecordAsync(Result, CancellationToken.None);

        Assert.Equal([(new DateOnly(2026, 12, 4), Result)], store.Recorded);
    }

    [Fact]
    public async Task A_store_failure_does_not_reach_the_message()
    {
        await Recorder(new OneCallStore(new TransientStorageException("database is locked")), new DmarcReportingOptions { Enabled = true })
            .RecordAsync(Result, CancellationToken.None);
    }

    [Theory]
    [InlineData("SendHourUtc", "24")]
    [InlineData("RetentionDays", "1")]
    [InlineData("From", "not an address")]
    [InlineData("From", "Name <a@b.test>")]
    [InlineData("OrgName", "two\nlines")]
    public void Out_of_range_options_are_reported(string key, string value)
    {
        var options = new DmarcReportingOptions();
        switch (key)
        {
            case "SendHourUtc": options.SendHourUtc = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "RetentionDays": options.RetentionDays = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "From": options.From = value; break;
            default: options.OrgName = value; break;
        }

        Assert.Contains(options.Problems(), p => p.Contains(key, StringComparison.Ordinal));
        Assert.Empty(new DmarcReportingOptions { From = "dmarc@example.test", OrgName = "Example" }.Problems());
    }
}
