using System.Collections.Concurrent;
using System.Reflection;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Imap;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Tests.Azure;

/// <summary>
/// <see cref="ReplicaChangePoller"/> as a running service over a mailbox index whose reads the test answers: a read of
/// one mailbox that does not answer (a throttled, retried Table request) must not keep the other idling mailboxes from
/// being read every interval.
/// </summary>
public class ReplicaChangePollerTests
{
    [Fact]
    public async Task A_mailbox_whose_read_hangs_does_not_hold_back_the_others()
    {
        var index = ScriptedMailboxReads.Create(out var reads);
        reads.Hang("stuck@a.test");
        var notifier = new MailboxChangeNotifier();
        var signals = new ConcurrentQueue<string>();
        using var _ = notifier.Subscribe("idle@b.test", _ => signals.Enqueue("idle@b.test"));
        using var poller = new ReplicaChangePoller(index, notifier, Options.Create(new ImapOptions { ReplicaPollInterval = TimeSpan.FromMilliseconds(50) }),
            TimeProvider.System, NullLogger<ReplicaChangePoller>.Instance);
        using var stuck = poller.Watch("stuck@a.test", "INBOX", knownModSeq: 1);
        using var idle = poller.Watch("idle@b.test", "INBOX", knownModSeq: 1);
        await poller.StartAsync(CancellationToken.None);
        try
        {
            // Each new HIGHESTMODSEQ of the idling mailbox must be noticed at a later round, while the other read still hangs.
            for (ulong modSeq = 2; modSeq <= 4; modSeq++)
            {
                reads.Set("idle@b.test", modSeq);
                int expected = (int)modSeq - 1;
                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (signals.Count < expected && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
                Assert.True(signals.Count >= expected, $"change to MODSEQ {modSeq} not signalled; the stuck mailbox was read {reads.Count("stuck@a.test")} time(s)");
            }
            Assert.Equal(1, reads.Count("stuck@a.test")); // asked once, not again while that read is pending
        }
        finally
        {
            reads.Release();
            await poller.StopAsync(CancellationToken.None);
        }
    }
}

/// <summary>An <see cref="IMailboxIndex"/> whose GetMailboxAsync answers from values the test sets, or hangs for chosen accounts.</summary>
public class ScriptedMailboxReads : DispatchProxy // DispatchProxy needs an unsealed type
{
    private readonly ConcurrentDictionary<string, ulong> _modSeqs = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly HashSet<string> _hanging = [];
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static IMailboxIndex Create(out ScriptedMailboxReads reads)
    {
        var proxy = Create<IMailboxIndex, ScriptedMailboxReads>();
        reads = (ScriptedMailboxReads)(object)proxy;
        return proxy;
    }

    public void Set(string account, ulong highestModSeq) => _modSeqs[account] = highestModSeq;

    public void Hang(string account) => _hanging.Add(account);

    public void Release() => _release.TrySetResult();

    public int Count(string account) => _counts.GetValueOrDefault(account);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name != nameof(IMailboxIndex.GetMailboxAsync)) throw new NotSupportedException(targetMethod.Name);
        return ReadAsync((string)args![0]!, (string)args[1]!, (CancellationToken)args[2]!);
    }

    private async Task<MailboxInfo?> ReadAsync(string account, string name, CancellationToken cancellationToken)
    {
        _counts.AddOrUpdate(account, 1, (_, n) => n + 1);
        if (_hanging.Contains(account)) await _release.Task.WaitAsync(cancellationToken);
        return new MailboxInfo(name, 1, 10, _modSeqs.GetValueOrDefault(account, 1UL), 0, 0, 0, SpecialUse.None);
    }
}
