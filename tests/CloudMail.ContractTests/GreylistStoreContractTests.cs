using CloudMail.Core.Filtering.Greylisting;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="IGreylistStore"/> contract: records come back as saved (to the tick), a save replaces, triplets and
/// client networks are apart, and the sweep removes exactly the expired records. Keys are fresh per test; the sweep
/// test uses instants far in the past so that records of other tests are never in its range.
/// </summary>
public abstract class GreylistStoreContractTests : ContractTest<IGreylistStore>
{
    private IGreylistStore Store => Subject;

    private static string Key() => $"192.0.2.0/24\nsender-{Guid.NewGuid():N}@remote.test\nuser+tag@example.test";

    private static readonly DateTimeOffset Now = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_unknown_key_has_no_record()
    {
        Assert.Null(await Store.GetTripletAsync(Key(), Ct));
        Assert.Null(await Store.GetClientAsync(Key(), Ct));
    }

    [Fact]
    public async Task A_triplet_comes_back_as_saved_and_a_save_replaces_it()
    {
        string key = Key();
        var waiting = new GreylistTriplet(Now.AddTicks(1234567), null);
        await Store.SaveTripletAsync(key, waiting, Ct);
        Assert.Equal(waiting, await Store.GetTripletAsync(key, Ct));

        var passed = waiting with { PassedAt = Now.AddMinutes(6) };
        await Store.SaveTripletAsync(key, passed, Ct);
        Assert.Equal(passed, await Store.GetTripletAsync(key, Ct));
        Assert.Null(await Store.GetClientAsync(key, Ct)); // triplets and client networks are apart
    }

    [Fact]
    public async Task A_client_network_comes_back_as_saved()
    {
        string network = $"2001:db8:{Random.Shared.Next(0xffff):x}::/64";
        await Store.SaveClientAsync(network, new GreylistClient(1, Now), Ct);
        await Store.SaveClientAsync(network, new GreylistClient(2, Now.AddHours(1)), Ct);

        Assert.Equal(new GreylistClient(2, Now.AddHours(1)), await Store.GetClientAsync(network, Ct));
        Assert.Null(await Store.GetTripletAsync(network, Ct));
    }

    [Fact]
    public async Task The_sweep_removes_expired_records_only()
    {
        // Far in the past: no other test's records fall in the range swept here.
        var longAgo = new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);
        string oldWaiting = Key(), freshWaiting = Key(), oldPassed = Key(), freshPassed = Key(), oldClient = Key(), freshClient = Key();
        await Store.SaveTripletAsync(oldWaiting, new GreylistTriplet(longAgo, null), Ct);
        await Store.SaveTripletAsync(freshWaiting, new GreylistTriplet(longAgo.AddDays(10), null), Ct);
        await Store.SaveTripletAsync(oldPassed, new GreylistTriplet(longAgo, longAgo.AddMinutes(5)), Ct);
        await Store.SaveTripletAsync(freshPassed, new GreylistTriplet(longAgo, longAgo.AddDays(40)), Ct);
        await Store.SaveClientAsync(oldClient, new GreylistClient(3, longAgo.AddMinutes(5)), Ct);
        await Store.SaveClientAsync(freshClient, new GreylistClient(3, longAgo.AddDays(40)), Ct);

        int removed = await Store.ForgetExpiredAsync(longAgo.AddDays(2), longAgo.AddDays(35), Ct);

        Assert.True(removed >= 3, $"removed {removed}");
        Assert.Null(await Store.GetTripletAsync(oldWaiting, Ct));
        Assert.Null(await Store.GetTripletAsync(oldPassed, Ct));
        Assert.Null(await Store.GetClientAsync(oldClient, Ct));
        Assert.NotNull(await Store.GetTripletAsync(freshWaiting, Ct));
        Assert.NotNull(await Store.GetTripletAsync(freshPassed, Ct));
        Assert.NotNull(await Store.GetClientAsync(freshClient, Ct));
        Assert.Equal(0, await Store.ForgetExpiredAsync(longAgo.AddDays(2), longAgo.AddDays(35), Ct)); // idempotent
    }
}
