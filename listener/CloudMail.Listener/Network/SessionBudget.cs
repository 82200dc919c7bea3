namespace CloudMail.Listener.Network;

/// <summary>
/// How many client sessions, over all endpoints together, the process's open-file limit leaves room for. Each session
/// holds its socket; a quarter of the limit (at least 64 descriptors) stays for the rest: the file a session opens while
/// a large message streams in or out, the databases, outbound connections, the virus scanner, and the runtime itself
/// (loading an assembly, the GC reading <c>/proc/meminfo</c>: failing those for want of a descriptor ends the process
/// with "Out of memory"). A connection beyond the budget gets the protocol's "busy" refusal
/// (<see cref="ConnectionRefusal.ServerBusy"/>) instead of the kernel refusing descriptors to whatever part of the server
/// asks next. Refusals being written hold a descriptor each too: at most <see cref="RefusalCapacity"/>, a quarter of the
/// reserve, at once. Thread-safe.
/// </summary>
public sealed class SessionBudget(int capacity, int refusalCapacity = int.MaxValue)
{
    /// <summary>Sessions allowed however low the limit (a limit too low for them fails elsewhere first).</summary>
    public const int MinCapacity = 8;

    private int _taken;

    /// <summary>Sessions the budget allows at once (<see cref="int.MaxValue"/>: no limit known).</summary>
    public int Capacity => capacity;

    /// <summary>Refusals that may be under way at once (<see cref="int.MaxValue"/>: no limit known).</summary>
    public int RefusalCapacity => refusalCapacity;

    /// <summary>Sessions holding a place now.</summary>
    public int Taken => Volatile.Read(ref _taken);

    /// <summary>
    /// The budget of a process allowed <paramref name="openFileLimit"/> descriptors with <paramref name="openNow"/> open (what
    /// it holds before it takes any client): what is left after a reserve of a quarter of the limit (at least 64), at least
    /// <see cref="MinCapacity"/>; refusals a quarter of that reserve. No limit when either is unknown (<see cref="OpenFileLimit"/>).
    /// </summary>
    public static SessionBudget For(long? openFileLimit, int? openNow)
    {
        if (openFileLimit is not { } limit || openNow is not { } open) return new SessionBudget(int.MaxValue);
        long reserve = Math.Max(64, limit / 4);
        return new SessionBudget((int)Math.Clamp(limit - open - reserve, MinCapacity, int.MaxValue), (int)Math.Min(reserve / 4, int.MaxValue));
    }

    /// <summary>Takes a place; false (nothing taken) when all <see cref="Capacity"/> are held. Give it back with <see cref="Release"/>.</summary>
    public bool TryTake()
    {
        if (Interlocked.Increment(ref _taken) <= capacity) return true;
        Interlocked.Decrement(ref _taken);
        return false;
    }

    /// <summary>Gives back a place <see cref="TryTake"/> took.</summary>
    public void Release() => Interlocked.Decrement(ref _taken);
}
