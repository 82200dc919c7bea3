using System.Reflection;
using CloudMail.Core.Blobs;
using Microsoft.Extensions.DependencyInjection;

namespace CloudMail.Listener.Tests.Infrastructure;

/// <summary>
/// The server's blob store with every client read (<see cref="IMessageBlobStore.OpenReadForClientAsync"/>) answering after
/// a delay, as a store across a network does (none: done when it returns, as the embedded store's), and the largest number
/// of such reads in flight at once recorded; reads of many blobs together (<see cref="IMessageBlobStore.OpenManyForClient"/>)
/// are recorded and left to the real store, as is the rest.
/// </summary>
public class SlowBlobReads : DispatchProxy // DispatchProxy needs an unsealed type
{
    private IMessageBlobStore _inner = null!;
    private TimeSpan _delay;
    private int _inFlight;
    private int _mostInFlight;
    private readonly List<string> _opened = [];

    /// <summary>The most client reads that were in flight together.</summary>
    public int MostInFlight => Volatile.Read(ref _mostInFlight);

    /// <summary>Blob ids of the client reads, in the order they were started.</summary>
    public IReadOnlyList<string> Opened { get { lock (_opened) return [.. _opened]; } }

    /// <summary>For each blob id, how many other client reads were in flight when its read started (the last read of it).</summary>
    public IReadOnlyDictionary<string, int> OthersInFlightAtStart { get { lock (_opened) return new Dictionary<string, int>(_othersAtStart); } }

    private readonly Dictionary<string, int> _othersAtStart = [];

    /// <summary>The blob ids of each read of many blobs together, in the order they were asked for.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Batches { get { lock (_opened) return [.. _batches]; } }

    private readonly List<IReadOnlyList<string>> _batches = [];

    /// <summary>Wraps the last registered <see cref="IMessageBlobStore"/>; call from <see cref="TestServer.StartAsync"/>'s services callback.</summary>
    public static SlowBlobReads Decorate(IServiceCollection services, TimeSpan delay)
    {
        var proxy = Create<IMessageBlobStore, SlowBlobReads>();
        var slow = (SlowBlobReads)(object)proxy;
        slow._delay = delay;
        ServiceDecoration.Replace<IMessageBlobStore>(services, inner =>
        {
            slow._inner = inner;
            return proxy;
        });
        return slow;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IMessageBlobStore.OpenManyForClient))
            lock (_opened) _batches.Add([.. (IReadOnlyList<string>)args![0]!]);
        if (targetMethod!.Name != nameof(IMessageBlobStore.OpenReadForClientAsync)) return targetMethod.Invoke(_inner, args);
        lock (_opened) _opened.Add((string)args![0]!);
        return DelayedAsync((string)args![0]!, (CancellationToken)args[1]!);
    }

    private async Task<Stream> DelayedAsync(string blobId, CancellationToken cancellationToken)
    {
        int now = Interlocked.Increment(ref _inFlight);
        lock (_opened) _othersAtStart[blobId] = now - 1;
        int most;
        while (now > (most = Volatile.Read(ref _mostInFlight)) && Interlocked.CompareExchange(ref _mostInFlight, now, most) != most) { }
        try
        {
            await Task.Delay(_delay, cancellationToken);
            // Not a MemoryStream, as a network store's stream is not: its content is read through it.
            return new BufferedStream(await _inner.OpenReadForClientAsync(blobId, cancellationToken));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
