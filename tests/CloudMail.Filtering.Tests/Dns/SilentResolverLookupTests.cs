using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CloudMail.Delivery;
using CloudMail.Filtering.Dns;

namespace CloudMail.Filtering.Tests.Dns;

/// <summary>
/// <see cref="LookupClientAuthenticationDns"/> against a resolver that never answers (a bound UDP socket that reads
/// nothing), on a lookup client as <c>AddCloudMailDns</c> makes it: what ends the wait decides what the caller sees. The
/// client waits a minute, with no retry (the process's waits 5 s, three times), so that only the cancellation under test
/// can end the wait within the tests' bounds, however late the suite's loaded machine runs their timers.
/// </summary>
public sealed class SilentResolverLookupTests : IDisposable
{
    /// <summary>
    /// Far under the client's timeout, so a wait that ends within it was ended by the cancellation; far over how late a
    /// 300 ms timer fires on the suite's shared two cores.
    /// </summary>
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(30);

    private readonly UdpClient _silent = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly LookupClientAuthenticationDns _dns;

    public SilentResolverLookupTests() =>
        _dns = new LookupClientAuthenticationDns(DnsServiceCollectionExtensions.CreateLookupClient(
            new DnsOptions { Servers = [_silent.Client.LocalEndPoint!.ToString()!], Timeout = TimeSpan.FromSeconds(60), Retries = 0 }));

    [Fact]
    public async Task The_callers_cancellation_ends_the_wait_at_once_as_a_cancellation_not_as_an_unanswered_query()
    {
        var clock = Stopwatch.StartNew(); // before the 300 ms start: the lower bound holds however late this thread runs
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _dns.TxtAsync("sender.test", caller.Token));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), AtOnce);
    }

    [Fact]
    public async Task The_checks_time_limit_ends_the_wait_as_an_error_and_marks_the_checks_cut_short()
    {
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var limit = new AuthenticationDnsLimit(deadline.Token);
        DnsAnswer<string> answer;
        using (AuthenticationDnsLimit.Enter(limit))
            answer = await _dns.TxtAsync("sender.test", CancellationToken.None);

        Assert.Equal(DnsStatus.Error, answer.Status);
        Assert.True(limit.CutShort);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), AtOnce);
    }

    public void Dispose() => _silent.Dispose();
}
