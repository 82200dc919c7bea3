using CloudMail.Core.Failures;
using CloudMail.Core.TlsReporting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Tests.TlsReporting;

/// <summary>The recorder counts on the UTC day, stays quiet when off, and never fails a delivery over a lost count.</summary>
public sealed class TlsSessionRecorderTests
{
    private static readonly TlsSessionResult Session = new(TlsReportPolicy.None("b.test"));

    private sealed class OneCallStore(Exception? failure = null) : ITlsReportStore
    {
        public List<(DateOnly Day, TlsSessionResult Session)> Recorded { get; } = [];

        public Task RecordAsync(DateOnly day, TlsSessionResult session, CancellationToken cancellationToken)
        {
            if (failure is not null) throw failure;
            Recorded.Add((day, session));
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<string>> UnsentDomainsAsync(DateOnly day, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<TlsPolicyTally>> GetAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task MarkSentAsync(string policyDomain, DateOnly day, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<int> RemoveBeforeAsync(DateOnly day, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static TlsSessionRecorder Recorder(ITlsReportStore store, bool enabled = true) =>
        new(store, Options.Create(new TlsReportingOptions { Enabled = enabled }), ClockAt(new DateTimeOffset(2026, 12, 3, 23, 59, 59, TimeSpan.FromHours(-5))),
            NullLogger<TlsSessionRecorder>.Instance);

    private static ManualClock ClockAt(DateTimeOffset at)
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        clock.Advance(at - clock.GetUtcNow());
        return clock;
    }

    [Fact]
    public async Task A_session_is_counted_on_its_UTC_day()
    {
        var store = new OneCallStore();

        await Recorder(store).RecordAsync(Session, CancellationToken.None);

        Assert.Equal([(new DateOnly(2026, 12, 4), Session)], store.Recorded);
    }

    [Fact]
    public async Task Nothing_is_counted_when_reporting_is_off()
    {
        var store = new OneCallStore();

        await Recorder(store, enabled: false).RecordAsync(Session, CancellationToken.None);

        Assert.Empty(store.Recorded);
    }

    [Fact]
    public async Task A_store_failure_does_not_reach_the_delivery()
    {
        await Recorder(new OneCallStore(new TransientStorageException("database is locked"))).RecordAsync(Session, CancellationToken.None);
    }

    [Fact]
    public async Task Cancellation_still_propagates()
    {
        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            Recorder(new OneCallStore(new OperationCanceledException())).RecordAsync(Session, CancellationToken.None));
    }

    [Theory]
    [InlineData(24, 7)]
    [InlineData(-1, 7)]
    [InlineData(1, 1)]
    public void Out_of_range_options_are_reported(int sendHour, int retention)
    {
        Assert.NotEmpty(new TlsReportingOptions { SendHourUtc = sendHour, RetentionDays = retention }.Problems());
        Assert.Empty(new TlsReportingOptions().Problems());
    }
}
