using CloudMail.Delivery.Dns;
using DnsClient;

namespace CloudMail.Delivery.Tests.Dns;

/// <summary>
/// The shared resolver's cache against a real DNS server: dnsmasq on loopback, authoritative for <c>neg.test</c> (records
/// with TTL 300 s, negative answers with the zone's SOA, TTL and MINIMUM 300 s), with every query it receives logged, so
/// each test counts what reached the server.
/// </summary>
public sealed class CachingLookupClientTests
{
    /// <summary>
    /// One try of up to 15 s (as long as the default 5 s and 2 retries together): dnsmasq shares two cores with the rest
    /// of the suite, and a retry would be one more query in the log that the test counts.
    /// </summary>
    private static ILookupClient Client(DnsmasqProcess dns, TimeProvider clock, TimeSpan? timeout = null) =>
        DnsServiceCollectionExtensions.CreateLookupClient(
            new DnsOptions { Servers = [dns.Endpoint], Timeout = timeout ?? TimeSpan.FromSeconds(15), Retries = 0 }, clock);

    [Fact]
    public async Task A_name_error_and_a_no_data_answer_are_asked_once_until_the_soa_minimum_has_passed()
    {
        await using var dns = await DnsmasqLog.StartAuthoritativeAsync("neg.test", DnsmasqProcess.Host("mx.neg.test", "127.0.0.5"));
        var clock = new ManualClock();
        var client = Client(dns, clock);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, (await client.QueryAsync("_mta-sts.neg.test", QueryType.TXT)).Header.ResponseCode);
            var noData = await client.QueryAsync("MX.neg.test.", QueryType.AAAA);
            Assert.Equal(DnsHeaderResponseCode.NoError, noData.Header.ResponseCode);
            Assert.Empty(noData.Answers);
        }
        Assert.Equal(1, await DnsmasqLog.CountAsync(dns, "auth[TXT] _mta-sts.neg.test"));
        Assert.Equal(1, await DnsmasqLog.CountAsync(dns, "auth[AAAA] mx.neg.test"));

        clock.Now += TimeSpan.FromSeconds(299);
        await client.QueryAsync("_mta-sts.neg.test", QueryType.TXT);
        Assert.Equal(1, await DnsmasqLog.CountAsync(dns, "auth[TXT] _mta-sts.neg.test"));

        clock.Now += TimeSpan.FromSeconds(2);
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, (await client.QueryAsync("_mta-sts.neg.test", QueryType.TXT)).Header.ResponseCode);
        Assert.Equal(2, await DnsmasqLog.CountAsync(dns, "auth[TXT] _mta-sts.neg.test"));

        // A positive answer: asked once, the same address each time, asked again once its TTL (300 s) has passed.
        for (int i = 0; i < 3; i++)
            Assert.Equal("127.0.0.5", Assert.Single((await client.QueryAsync("mx.neg.test", QueryType.A)).Answers.ARecords()).Address.ToString());
        Assert.Equal(1, await DnsmasqLog.CountAsync(dns, "auth[A] mx.neg.test"));
        clock.Now += TimeSpan.FromSeconds(301);
        Assert.Equal("127.0.0.5", Assert.Single((await client.QueryAsync("mx.neg.test", QueryType.A)).Answers.ARecords()).Address.ToString());
        Assert.Equal(2, await DnsmasqLog.CountAsync(dns, "auth[A] mx.neg.test"));
    }

    [Fact]
    public async Task The_cache_holds_a_bounded_number_of_answers_and_keeps_caching_when_full()
    {
        // Names and TTLs are chosen by whoever sends mail and runs zones: a flood of new names must not grow memory.
        await using var dns = await DnsmasqLog.StartAuthoritativeAsync("neg.test", DnsmasqProcess.Host("mx.neg.test", "127.0.0.5"));
        var answer = await Client(dns, new ManualClock()).QueryAsync("mx.neg.test", QueryType.A);
        var cache = new DnsAnswerCache(new ManualClock(), AnswerTtl.Any);

        for (int i = 0; i < DnsAnswerCache.MaxEntries + 5_000; i++)
        {
            var question = new DnsQuestion($"n{i}.flood.test", QueryType.A);
            Assert.Same(answer, cache.Keep(question, answer));
            Assert.Same(answer, cache.Get(question)); // the newest answer is always kept
            Assert.True(cache.Count <= DnsAnswerCache.MaxEntries);
        }
    }

    [Fact]
    public async Task A_negative_answer_without_an_soa_and_a_failed_lookup_are_asked_each_time()
    {
        // dnsmasq's --local zone (test/) answers NXDOMAIN without an SOA: RFC 2308 §5 says not to cache it. A failed
        // lookup says nothing about the name.
        await using var dns = await DnsmasqProcess.StartAsync("--log-queries", DnsmasqProcess.Failing("broken.test"));
        var client = Client(dns, new ManualClock());
        // For the lookups that must time out: a short try (a client caches for itself, so each case has its own).
        var impatient = Client(dns, new ManualClock(), TimeSpan.FromSeconds(1));

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, (await client.QueryAsync("_dmarc.nothing.test", QueryType.TXT)).Header.ResponseCode);
            // The forwarder never answers: a timeout, thrown (CreateLookupClient's contract) and never kept.
            await Assert.ThrowsAsync<DnsResponseException>(() => impatient.QueryAsync("_dmarc.x.broken.test", QueryType.TXT));
        }
        Assert.Equal(3, await DnsmasqLog.CountAsync(dns, "query[TXT] _dmarc.nothing.test"));
        Assert.Equal(3, await DnsmasqLog.CountAsync(dns, "query[TXT] _dmarc.x.broken.test"));
    }
}
