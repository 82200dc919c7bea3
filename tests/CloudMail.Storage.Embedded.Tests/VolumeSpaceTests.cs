using CloudMail.Storage.Embedded;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>The free space of a real volume (the test machine's temp folder) against a reserve.</summary>
public sealed class VolumeSpaceTests
{
    private static readonly string Folder = Path.GetTempPath();

    [Fact]
    public void A_reserve_below_the_free_space_takes_what_fits_and_refuses_what_does_not()
    {
        long free = new DriveInfo(Folder).AvailableFreeSpace;
        var space = new VolumeSpace(Folder, free / 2, TimeProvider.System);

        Assert.InRange(space.AvailableBytes, free / 2, long.MaxValue);
        Assert.True(space.CanTake(1000));
        Assert.False(space.CanTake(free));
        Assert.False(space.CanTake(long.MaxValue)); // no overflow into "fits"
    }

    [Fact]
    public void A_reserve_of_zero_takes_anything_and_a_reserve_above_the_disk_nothing()
    {
        Assert.True(new VolumeSpace(Folder, 0, TimeProvider.System).CanTake(long.MaxValue));
        Assert.False(new VolumeSpace(Folder, long.MaxValue, TimeProvider.System).CanTake(0));
    }

    [Fact]
    public void A_volume_that_cannot_be_asked_refuses_nothing()
    {
        // A reserve that any volume that answers would fail.
        var space = new VolumeSpace(Path.Combine(Folder, "no-such-folder-" + Guid.NewGuid().ToString("N"), "data"), long.MaxValue / 2, TimeProvider.System);

        Assert.Equal(long.MaxValue, space.AvailableBytes);
        Assert.True(space.CanTake(1000));
    }
}
