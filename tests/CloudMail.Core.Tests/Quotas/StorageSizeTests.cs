using CloudMail.Core.Quotas;

namespace CloudMail.Core.Tests.Quotas;

public sealed class StorageSizeTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1536", 1536L)]
    [InlineData("10K", 10L * 1024)]
    [InlineData("500M", 500L * 1024 * 1024)]
    [InlineData("500mb", 500L * 1024 * 1024)]
    [InlineData("2G", 2L * 1024 * 1024 * 1024)]
    [InlineData("2GiB", 2L * 1024 * 1024 * 1024)]
    [InlineData("1.5G", 1536L * 1024 * 1024)]
    [InlineData(" 1T ", 1L << 40)]
    [InlineData("100B", 100L)]
    public void Sizes_with_binary_units_are_read(string text, long expected)
    {
        Assert.True(StorageSize.TryParse(text, out long bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-1G")]
    [InlineData("5X")]
    [InlineData("G")]
    [InlineData("99999999999T")]
    [InlineData(null)]
    public void Anything_else_is_refused(string? text)
    {
        Assert.False(StorageSize.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(1536L, "1536")]
    [InlineData(2L << 30, "2G")]
    [InlineData(500L << 20, "500M")]
    public void Format_uses_the_largest_whole_unit_and_reads_back(long bytes, string expected)
    {
        Assert.Equal(expected, StorageSize.Format(bytes));
        Assert.True(StorageSize.TryParse(expected, out long back));
        Assert.Equal(bytes, back);
    }

    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(10L << 30, "10 GiB")]
    public void Describe_is_for_people(long bytes, string expected)
    {
        Assert.Equal(expected, StorageSize.Describe(bytes));
    }
}
