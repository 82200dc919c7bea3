using CloudMail.Core.Mailboxes;
using CloudMail.Core.Quotas;

namespace CloudMail.Core.Tests.Quotas;

/// <summary>The quota arithmetic (RFC 9208 §5): what fits, what is full; 0 means unlimited.</summary>
public sealed class QuotaStatusTests
{
    private static QuotaStatus Status(long storage, long messages, long usedBytes, long usedMessages) =>
        new(new QuotaLimits(storage, messages), new QuotaUsage(usedBytes, usedMessages));

    [Theory]
    [InlineData(1000, 0, 600, 400, true)]   // fills the storage exactly
    [InlineData(1000, 0, 600, 401, false)]  // one byte too many
    [InlineData(0, 0, 1_000_000, 1, true)]  // unlimited
    [InlineData(0, 3, 0, 1, true)]
    public void Allows_what_keeps_every_limited_resource_at_or_under_its_limit(long storage, long messages, long used, long adding, bool allowed)
    {
        Assert.Equal(allowed, Status(storage, messages, used, messages == 0 ? 5 : 2).Allows(adding, 1));
    }

    [Fact]
    public void The_message_limit_counts_messages()
    {
        Assert.True(Status(0, 3, 0, 2).Allows(10, 1));
        Assert.False(Status(0, 3, 0, 3).Allows(10, 1));
        Assert.False(Status(1000, 3, 0, 2).Allows(10, 2));
    }

    [Fact]
    public void Full_means_no_further_message_fits_and_unlimited_is_never_full()
    {
        Assert.True(Status(1000, 0, 1000, 7).IsFull);
        Assert.True(Status(1000, 0, 1200, 7).IsFull); // a limit lowered below the usage
        Assert.True(Status(0, 5, 0, 5).IsFull);
        Assert.False(Status(1000, 5, 999, 4).IsFull);
        Assert.False(Status(0, 0, long.MaxValue / 2, int.MaxValue).IsFull);
    }

    [Fact]
    public void Default_options_are_valid_and_negative_or_too_short_values_are_named()
    {
        Assert.Empty(new QuotaOptions().Problems());
        Assert.Equal(10L << 30, new QuotaOptions().DefaultStorageBytes);
        var bad = new QuotaOptions
        {
            DefaultStorageBytes = -1, DefaultMessages = -1, OverQuotaDelivery = (OverQuotaDelivery)7,
            OverQuotaRetryInterval = TimeSpan.FromSeconds(5), OverQuotaRetryFor = TimeSpan.FromDays(-1),
        };
        Assert.Equal(5, bad.Problems().Count());
        Assert.Contains(bad.Problems(), p => p.Contains("CloudMail:Quota:DefaultStorageBytes", StringComparison.Ordinal));
    }
}
