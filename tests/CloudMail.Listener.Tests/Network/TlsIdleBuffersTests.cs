using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tls;

namespace CloudMail.Listener.Tests.Network;

/// <summary>
/// <see cref="TlsIdleBuffers"/> on a real TLS connection over loopback (the runtime's OpenSSL): on Linux the server's
/// OpenSSL session takes <c>SSL_MODE_RELEASE_BUFFERS</c>, and the connection still carries every byte both ways afterwards,
/// in records of every size, including while buffers are released and allocated again between reads.
/// </summary>
public sealed class TlsIdleBuffersTests
{
    [Fact]
    public async Task The_server_session_releases_its_buffers_and_still_carries_every_byte_both_ways()
    {
        using var certificate = X509CertificateLoader.LoadPkcs12(TlsCertificateProvider.CreateSelfSigned("mx.listener.test"), null);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var clientSocket = new TcpClient();
        Task connect = clientSocket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using TcpClient serverSocket = await listener.AcceptTcpClientAsync();
        await connect;
        await using var server = new SslStream(serverSocket.GetStream());
        await using var client = new SslStream(clientSocket.GetStream(), false, (_, _, _, _) => true);
        await Task.WhenAll(
            server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }),
            client.AuthenticateAsClientAsync("mx.listener.test"));

        bool released = TlsIdleBuffers.TryRelease(server);

        if (OperatingSystem.IsLinux())
        {
            Assert.True(released);
            Assert.NotEqual(0, TlsIdleBuffers.Mode(server)!.Value & TlsIdleBuffers.ReleaseBuffersMode);
        }
        foreach (int size in new[] { 1, 5, 16_383, 16_384, 16_385, 100_000, 1_000_000 })
        {
            byte[] sent = RandomNumberGenerator.GetBytes(size);
            await client.WriteAsync(sent);
            Assert.Equal(sent, await ReadExactlyAsync(server, size));

            byte[] answer = RandomNumberGenerator.GetBytes(size);
            await server.WriteAsync(answer);
            Assert.Equal(answer, await ReadExactlyAsync(client, size));
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);
        return buffer;
    }
}
