using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using CloudMail.Core.Delivery;
using CloudMail.Core.Net;
using CloudMail.Listener.Configuration;
using Microsoft.Extensions.Options;

namespace CloudMail.Listener.Network;

/// <summary>
/// This process's port-25 endpoint as <see cref="EndpointListenerService"/> bound it: a host is this server when mail to it
/// goes to the bound SMTP port and either its name is <c>CloudMail:HostName</c> or its address is the one listened on (any
/// address of this machine, loopback included, when listening on all of them). The machine's addresses are read again at
/// most once a minute.
/// </summary>
public sealed class ListeningSelfSmtpEndpoint(EndpointListenerService listeners, IOptions<CloudMailOptions> options, TimeProvider time) : ISelfSmtpEndpoint
{
    private static readonly TimeSpan AddressesKept = TimeSpan.FromMinutes(1);
    private volatile Snapshot? _machine;

    private sealed record Snapshot(HashSet<IPAddress> Addresses, long ReadAt);

    public bool IsSelf(string hostName, IPAddress address, int port)
    {
        if (!listeners.BoundPorts.TryGetValue(EndpointKind.Smtp, out int bound) || bound != port) return false;
        CloudMailOptions o = options.Value;
        if (string.Equals(hostName.TrimEnd('.'), o.HostName.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)) return true;
        IPAddress target = address.Unmapped();
        IPAddress listen = ListenAddress.Of(o.ListenAddress).Unmapped();
        if (!listen.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any)) return target.Equals(listen);
        return IPAddress.IsLoopback(target) || MachineAddresses().Contains(target);
    }

    private HashSet<IPAddress> MachineAddresses()
    {
        long now = time.GetTimestamp();
        if (_machine is { } known && time.GetElapsedTime(known.ReadAt, now) < AddressesKept) return known.Addresses;
        var addresses = new HashSet<IPAddress>();
        try
        {
            foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
                foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
                    if (unicast.Address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) addresses.Add(unicast.Address.Unmapped());
        }
        catch (NetworkInformationException)
        {
            // Interfaces unreadable: loopback and the listened address still count.
        }
        _machine = new Snapshot(addresses, now);
        return addresses;
    }
}
