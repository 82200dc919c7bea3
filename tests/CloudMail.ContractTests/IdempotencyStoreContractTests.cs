using System.Security.Cryptography;
using CloudMail.Core.SendApi;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="IIdempotencyStore"/> contract: the first fingerprint claimed for a key is the one on record for good,
/// whoever asks and however many ask at once. Every test uses fresh keys (<see cref="Unique.MessageId"/>).
/// </summary>
public abstract class IdempotencyStoreContractTests : ContractTest<IIdempotencyStore>
{
    protected IIdempotencyStore Store => Subject;

    private static string Fingerprint() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task The_first_claim_records_its_fingerprint()
    {
        string key = Unique.MessageId(), fingerprint = Fingerprint();

        Assert.Equal(fingerprint, await Store.ClaimAsync(key, fingerprint, Ct));
    }

    [Fact]
    public async Task Claiming_again_with_the_same_fingerprint_returns_it()
    {
        string key = Unique.MessageId(), fingerprint = Fingerprint();
        await Store.ClaimAsync(key, fingerprint, Ct);

        Assert.Equal(fingerprint, await Store.ClaimAsync(key, fingerprint, Ct));
    }

    [Fact]
    public async Task Claiming_with_another_fingerprint_returns_the_first_and_changes_nothing()
    {
        string key = Unique.MessageId(), first = Fingerprint(), second = Fingerprint();
        await Store.ClaimAsync(key, first, Ct);

        Assert.Equal(first, await Store.ClaimAsync(key, second, Ct));
        Assert.Equal(first, await Store.ClaimAsync(key, Fingerprint(), Ct));
    }

    [Fact]
    public async Task Keys_are_independent()
    {
        string a = Unique.MessageId(), b = Unique.MessageId(), fa = Fingerprint(), fb = Fingerprint();

        Assert.Equal(fa, await Store.ClaimAsync(a, fa, Ct));
        Assert.Equal(fb, await Store.ClaimAsync(b, fb, Ct));
    }

    [Fact]
    public async Task Of_concurrent_claims_with_different_fingerprints_exactly_one_wins_and_all_see_it()
    {
        string key = Unique.MessageId();
        string[] fingerprints = [.. Enumerable.Range(0, 8).Select(_ => Fingerprint())];

        string[] answers = await Task.WhenAll(fingerprints.Select(f => Task.Run(() => Store.ClaimAsync(key, f, Ct))));

        string winner = Assert.Single(answers.Distinct());
        Assert.Contains(winner, fingerprints);
        Assert.Equal(winner, await Store.ClaimAsync(key, Fingerprint(), Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../escape")]
    [InlineData("not a message id")]
    public async Task A_key_that_is_not_a_message_id_is_refused(string key) =>
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ClaimAsync(key, Fingerprint(), Ct));
}
