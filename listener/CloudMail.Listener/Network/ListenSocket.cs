using System.Net;
using System.Net.Sockets;

namespace CloudMail.Listener.Network;

/// <summary>
/// Opens a listening TCP socket that no other process can share. .NET's <see cref="SocketOptionName.ReuseAddress"/>
/// sets SO_REUSEPORT as well as SO_REUSEADDR on Linux and macOS: with it, a second server started on the same address and
/// port (or one left running by an earlier start) binds without error and the kernel splits new connections between the
/// two, so part of the mail goes to the other process and part of the IMAP logins see another data folder. Here only
/// SO_REUSEADDR is set, through the raw option: a restarted server still binds at once while its predecessor's closed
/// connections linger in TIME_WAIT, and a second listener fails with <see cref="SocketError.AddressAlreadyInUse"/>.
/// On Windows nothing is set (there SO_REUSEADDR would allow taking over a port in use, and rebinding after TIME_WAIT
/// works without it).
/// </summary>
internal static class ListenSocket
{
    private const int LinuxSolSocket = 1, LinuxSoReuseAddr = 2;
    private const int BsdSolSocket = 0xffff, BsdSoReuseAddr = 4;

    /// <summary>Binds and listens on <paramref name="endPoint"/>; throws <see cref="SocketException"/> when the port is taken.</summary>
    public static Socket Open(IPEndPoint endPoint, int backlog)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
            if (OperatingSystem.IsLinux()) socket.SetRawSocketOption(LinuxSolSocket, LinuxSoReuseAddr, BitConverter.GetBytes(1));
            else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()) socket.SetRawSocketOption(BsdSolSocket, BsdSoReuseAddr, BitConverter.GetBytes(1));
            socket.Bind(endPoint);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
