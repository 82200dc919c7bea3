using System.Net;
using CloudMail.Core.Filtering.Greylisting;
using CloudMail.Core.Net;
using CloudMail.Listener.Network;
using Microsoft.Extensions.Logging;

namespace CloudMail.Listener.Smtp.Greylisting;

/// <summary>What <see cref="Greylist.CheckAsync"/> decided for one recipient.</summary>
/// <param name="Pass">True: go on with the recipient. False: answer 451 4.7.1 and let the client retry.</param>
/// <param name="RetryAfter">For a refusal, how long the client should wait.</param>
public readonly record struct GreylistVerdict(bool Pass, TimeSpan RetryAfter);

/// <summary>
/// The greylist (the technique of Harris, "The Next Step in the Spam Control War: Greylisting", 2003, as postgrey does
/// it): triplets of client network (IPv4 /24, IPv6 /64: big senders retry from another address of the same pool),
/// lower-cased envelope sender and recipient. A new triplet is refused for <see cref="GreylistOptions.Delay"/>; a retry
/// after it and within <see cref="GreylistOptions.RetryWindow"/> passes and the triplet then passes for
/// <see cref="GreylistOptions.PassedLifetime"/> after its last use; a client network with
/// <see cref="GreylistOptions.AutoAllowClientAfter"/> passed triplets passes entirely. The records live in an
/// <see cref="IGreylistStore"/>: in memory in embedded mode (a restart greylists a sender once more), a Table shared by
/// every replica in Azure mode (a retry that reaches another replica counts). A store that fails lets the recipient
/// through (logged): greylisting is a heuristic, and refusing all mail because its store is down would be worse.
/// </summary>
public sealed partial class Greylist(GreylistOptions options, TimeProvider time, IGreylistStore store, ILogger<Greylist> logger)
{
    /// <summary>A passed triplet's last use is written again only when the record is older than this (fewer writes).</summary>
    internal static readonly TimeSpan RefreshPassedAfter = TimeSpan.FromHours(1);

    public bool Enabled => options.Enabled;

    /// <summary>Decides for one recipient and records the decision; never throws for a store failure (see the class).</summary>
    public async ValueTask<GreylistVerdict> CheckAsync(IPAddress client, string sender, string recipient, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        string network = NetworkOf(client);
        string key = network + "\n" + sender.ToLowerInvariant() + "\n" + recipient.ToLowerInvariant();
        try
        {
            GreylistClient? known = options.AutoAllowClientAfter > 0 ? await store.GetClientAsync(network, cancellationToken).ConfigureAwait(false) : null;
            if (known is not null && known.Passed >= options.AutoAllowClientAfter && now - known.LastPassed <= options.PassedLifetime)
                return new GreylistVerdict(true, TimeSpan.Zero);
            GreylistTriplet? triplet = await store.GetTripletAsync(key, cancellationToken).ConfigureAwait(false);
            (GreylistVerdict verdict, GreylistTriplet? save, bool newlyPassed) = Decide(triplet, now);
            if (save is not null) await store.SaveTripletAsync(key, save, cancellationToken).ConfigureAwait(false);
            if (newlyPassed && options.AutoAllowClientAfter > 0)
            {
                int passed = known is not null && now - known.LastPassed <= options.PassedLifetime ? known.Passed : 0;
                await store.SaveClientAsync(network, new GreylistClient(passed + 1, now), cancellationToken).ConfigureAwait(false);
            }
            return verdict;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStoreFailed(e, network);
            return new GreylistVerdict(true, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// The rules on one triplet: the verdict, the record to write (null: nothing changed worth a write) and whether this
    /// attempt is the one that passed it (it then counts towards its client network).
    /// </summary>
    private (GreylistVerdict Verdict, GreylistTriplet? Save, bool NewlyPassed) Decide(GreylistTriplet? triplet, DateTimeOffset now)
    {
        if (triplet?.PassedAt is { } last && now - last <= options.PassedLifetime)
            return (new GreylistVerdict(true, TimeSpan.Zero), now - last >= RefreshPassedAfter ? triplet with { PassedAt = now } : null, false);
        // New, unused past its lifetime, or a retry that came after the window: a new round starts now.
        if (triplet is null || triplet.PassedAt is not null || now - triplet.FirstSeen > options.RetryWindow)
            return options.Delay <= TimeSpan.Zero
                ? (new GreylistVerdict(true, TimeSpan.Zero), new GreylistTriplet(now, now), true)
                : (new GreylistVerdict(false, options.Delay), new GreylistTriplet(now, null), false);
        TimeSpan waited = now - triplet.FirstSeen;
        if (waited < options.Delay) return (new GreylistVerdict(false, options.Delay - waited), null, false);
        return (new GreylistVerdict(true, TimeSpan.Zero), triplet with { PassedAt = now }, true);
    }

    /// <summary>Removes records past their retry window or lifetime (see <see cref="IGreylistStore.ForgetExpiredAsync"/>).</summary>
    public Task<int> ForgetExpiredAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        return store.ForgetExpiredAsync(now - options.RetryWindow, now - options.PassedLifetime, cancellationToken);
    }

    /// <summary>IPv4 /24 and IPv6 /64, as postgrey's --lookup-by-subnet.</summary>
    private static string NetworkOf(IPAddress client)
    {
        client = client.Unmapped();
        if (client.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) return ClientAddressPrefix.Of(client, 64);
        byte[] b = client.GetAddressBytes();
        return $"{b[0]}.{b[1]}.{b[2]}.0/24";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Greylist store failed for client network {Network}; the recipient is let through")]
    private partial void LogStoreFailed(Exception exception, string network);
}
