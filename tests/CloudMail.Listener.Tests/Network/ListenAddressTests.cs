using System.Net;
using CloudMail.Listener.Network;

namespace CloudMail.Listener.Tests.Network;

/// <summary>The address the endpoints bind for a CloudMail:ListenAddress, on machines with and without IPv6.</summary>
public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("::", true, "::")] // every address, IPv4 ones through the dual-stack socket
    [InlineData("::", false, "0.0.0.0")] // no IPv6 here: IPv4 still listens
    [InlineData("0.0.0.0", true, "0.0.0.0")]
    [InlineData("127.0.0.1", false, "127.0.0.1")]
    [InlineData("::1", true, "::1")]
    public void The_configured_address_is_bound_except_all_of_IPv6_on_a_machine_without_it(string configured, bool ipv6, string bound) =>
        Assert.Equal(IPAddress.Parse(bound), ListenAddress.Of(configured, ipv6));
}
