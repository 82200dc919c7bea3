using System.Security.Cryptography;
using CloudMail.Core.SendApi;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="IIdempotencyStore"/> contract: the first fingerprint claimed for a key is the one on record for good,
/// whoever asks and however many ask at once, until retention forgets it. Every test uses fresh keys
/// (<see cref="Unique.MessageId"/>); the subject records its claims at <see cref="Clock"/>'s time.
/// </summary>
public abstract class IdempotencyStoreContractTests : ContractTest<IIdempotencyStore>
{
    protected IIdempotencyStore Store => Subject;

    /// <summary>The clock the subject must record claims with (the system's time until a test sets it).</summary>
    protected SettableClock Clock { get; } = new();

    /// <summary>A moment before anything another test records (the stores may be shared), for the retention tests.</summary>
    private static readonly DateTimeOffset LongAgo = new(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static string Fingerprint() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task The_first_claim_records_its_fingerprint()
    {
        string key = Unique.MessageId(), fingerprint = Fingerprint();

        Assert.Equal(new IdempotencyClaim(fingerprint, RecordedNow: true), await Store.ClaimAsync(key, fingerprint, Ct));
    }

    [Fact]
    public async Task Claiming_again_with_the_same_fingerprint_returns_it_as_recorded_before()
    {
        string key = Unique.MessageId(), fingerprint = Fingerprint();
        await Store.ClaimAsync(key, fingerprint, Ct);

        Assert.Equal(new IdempotencyClaim(fingerprint, RecordedNow: false), await Store.ClaimAsync(key, fingerprint, Ct));
    }

    [Fact]
    public async Task Claiming_with_another_fingerprint_returns_the_first_and_changes_nothing()
    {
        string key = Unique.MessageId(), first = Fingerprint(), second = Fingerprint();
        await Store.ClaimAsync(key, first, Ct);

        Assert.Equal(new IdempotencyClaim(first, RecordedNow: false), await Store.ClaimAsync(key, second, Ct));
        Assert.Equal(first, (await Store.ClaimAsync(key, Fingerprint(), Ct)).Fingerprint);
    }

    [Fact]
    public async Task Keys_are_independent()
    {
        string a = Unique.MessageId(), b = Unique.MessageId(), fa = Fingerprint(), fb = Fingerprint();

        Assert.Equal(new IdempotencyClaim(fa, RecordedNow: true), await Store.ClaimAsync(a, fa, Ct));
        Assert.Equal(new IdempotencyClaim(fb, RecordedNow: true), await Store.ClaimAsync(b, fb, Ct));
    }

    [Fact]
    public async Task Of_concurrent_claims_with_different_fingerprints_exactly_one_wins_is_told_so_and_all_see_it()
    {
        string key = Unique.MessageId();
        string[] fingerprints = [.. Enumerable.Range(0, 8).Select(_ => Fingerprint())];

        IdempotencyClaim[] answers = await Task.WhenAll(fingerprints.Select(f => Task.Run(() => Store.ClaimAsync(key, f, Ct))));

        string winner = Assert.Single(answers.Select(a => a.Fingerprint).Distinct());
        Assert.Contains(winner, fingerprints);
        Assert.Equal(winner, Assert.Single(answers, a => a.RecordedNow).Fingerprint);
        Assert.Equal(winner, (await Store.ClaimAsync(key, Fingerprint(), Ct)).Fingerprint);
    }

    [Fact]
    public async Task Records_made_before_the_cutoff_are_forgotten_and_their_keys_claimed_anew()
    {
        string old = Unique.MessageId(), recent = Unique.MessageId(), fOld = Fingerprint(), fRecent = Fingerprint();
        Clock.Now = LongAgo;
        await Store.ClaimAsync(old, fOld, Ct);
        Clock.Now = LongAgo.AddDays(60);
        await Store.ClaimAsync(recent, fRecent, Ct);

        Assert.Equal(1, await Store.ForgetClaimedBeforeAsync(LongAgo.AddDays(30), Ct));

        string another = Fingerprint();
        Assert.Equal(new IdempotencyClaim(another, RecordedNow: true), await Store.ClaimAsync(old, another, Ct));
        Assert.Equal(new IdempotencyClaim(fRecent, RecordedNow: false), await Store.ClaimAsync(recent, Fingerprint(), Ct));
        Assert.Equal(0, await Store.ForgetClaimedBeforeAsync(LongAgo.AddDays(30), Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("not a message id")]
    public async Task A_key_that_is_not_a_message_id_is_refused(string key) =>
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ClaimAsync(key, Fingerprint(), Ct));
}
