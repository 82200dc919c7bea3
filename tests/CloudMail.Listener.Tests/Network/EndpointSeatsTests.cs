using CloudMail.Listener.Network;

namespace CloudMail.Listener.Tests.Network;

public sealed class EndpointSeatsTests
{
    [Fact]
    public void A_full_endpoint_hands_the_oldest_place_of_the_biggest_holder_to_a_newcomer()
    {
        var seats = new EndpointSeats(2);
        var oldest = seats.TryTake("192.0.2.1")!;
        var younger = seats.TryTake("192.0.2.1")!;

        var newcomer = seats.TryTake("192.0.2.2");

        Assert.NotNull(newcomer);
        Assert.True(oldest.Evicted.IsCancellationRequested);
        Assert.False(younger.Evicted.IsCancellationRequested);
        oldest.Dispose(); // the evicted session ending frees nothing more: its place is the newcomer's
        Assert.Equal(2, seats.Taken);
    }

    [Fact]
    public void A_full_endpoint_refuses_when_nobody_holds_two_places_more_than_the_newcomers_client()
    {
        var seats = new EndpointSeats(3);
        var a = seats.TryTake("192.0.2.1")!;
        seats.TryTake("192.0.2.1");
        seats.TryTake("192.0.2.2");

        Assert.Null(seats.TryTake("192.0.2.2")); // 2 against 1: not two more
        Assert.Null(seats.TryTake("192.0.2.1"));
        a.Dispose();
        Assert.NotNull(seats.TryTake("192.0.2.2"));
        Assert.Equal(3, seats.Taken);
    }

    [Fact]
    public void Sessions_of_exempt_clients_are_never_ended_for_a_newcomer()
    {
        var seats = new EndpointSeats(2);
        var trusted = seats.TryTake(null)!;
        seats.TryTake(null);

        Assert.Null(seats.TryTake("192.0.2.1"));
        Assert.False(trusted.Evicted.IsCancellationRequested);
    }
}
