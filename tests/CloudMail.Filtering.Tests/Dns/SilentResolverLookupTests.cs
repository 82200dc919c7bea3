using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CloudMail.Delivery;
using CloudMail.Filtering.Dns;

namespace CloudMail.Filtering.Tests.Dns;

/// <summary>
/// <see cref="LookupClientAuthenticationDns"/> against a resolver that never answers (a bound UDP socket that reads
/// nothing), on the process's lookup client as <c>AddCloudMailDns</c> makes it (5 s timeout, two retries): what ends the
/// wait decides what the caller sees.
/// </summary>
public sealed class SilentResolverLookupTests : IDisposable
{
    private readonly UdpClient _silent = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly LookupClientAuthenticationDns _dns;

    public SilentResolverLookupTests() =>
        _dns = new LookupClientAuthenticationDns(DnsServiceCollectionExtensions.CreateLookupClient(
            new DnsOptions { Servers = [_silent.Client.LocalEndPoint!.ToString()!] }));

    [Fact]
    public async Task The_callers_cancellation_ends_the_wait_at_once_as_a_cancellation_not_as_an_unanswered_query()
    {
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _dns.TxtAsync("sender.test", caller.Token));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task The_checks_time_limit_ends_the_wait_as_an_error_and_marks_the_checks_cut_short()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var limit = new AuthenticationDnsLimit(deadline.Token);
        var clock = Stopwatch.StartNew();
        DnsAnswer<string> answer;
        using (AuthenticationDnsLimit.Enter(limit))
            answer = await _dns.TxtAsync("sender.test", CancellationToken.None);

        Assert.Equal(DnsStatus.Error, answer.Status);
        Assert.True(limit.CutShort);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    public void Dispose() => _silent.Dispose();
}
