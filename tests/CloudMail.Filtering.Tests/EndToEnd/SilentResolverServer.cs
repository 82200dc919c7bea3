using System.Net;
using System.Net.Sockets;
using CloudMail.Listener.Tests.Infrastructure;
using MimeKit;

namespace CloudMail.Filtering.Tests.EndToEnd;

/// <summary>
/// A running embedded server with the filters on whose only resolver is a bound UDP socket that reads nothing and replies
/// nothing (a resolver that stopped, or a sender's name servers that swallow queries), with the given check limit and
/// commit deadline; and a local user, <see cref="Bob"/>, to send to. Its resolver timeout is <see cref="Never"/>, so
/// only the check limit or the commit deadline under test can end a DNS wait, and what ended it shows in the reply or the
/// delivery log; the tests then need no tight bound on when (the suite's shared two cores can delay a timer by 30 s).
/// </summary>
internal sealed class SilentResolverServer : IAsyncDisposable
{
    public const string Bob = "bob@" + TestServer.Domain;
    public const string BobPassword = "bob-password-1";

    /// <summary>Longer than any test waits: the resolver timeout, and the check limit or commit deadline not under test.</summary>
    public static readonly TimeSpan Never = TimeSpan.FromMinutes(10);

    private readonly UdpClient _resolver;

    private SilentResolverServer(UdpClient resolver, TestServer server)
    {
        _resolver = resolver;
        Server = server;
    }

    public TestServer Server { get; }

    /// <param name="checkTimeout"><c>CloudMail:Filtering:CheckTimeout</c>.</param>
    /// <param name="commitTimeout"><c>CloudMail:Smtp:CommitTimeout</c>.</param>
    public static async Task<SilentResolverServer> StartAsync(TimeSpan checkTimeout, TimeSpan commitTimeout)
    {
        var resolver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Dns:Servers:0"] = resolver.Client.LocalEndPoint!.ToString(),
            ["CloudMail:Dns:Timeout"] = Never.ToString("c"),
            ["CloudMail:Filtering:Enabled"] = "true",
            ["CloudMail:Filtering:AuthServId"] = "mx.receiver.test",
            ["CloudMail:Filtering:CheckTimeout"] = checkTimeout.ToString("c"),
            ["CloudMail:Smtp:CommitTimeout"] = commitTimeout.ToString("c"),
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
        });
        await server.AddUserAsync(Bob, BobPassword);
        return new SilentResolverServer(resolver, server);
    }

    /// <summary>A message from sender.test (<see cref="TestSigning"/>) to <see cref="Bob"/>, not signed yet.</summary>
    public static MimeMessage MessageToBob()
    {
        var message = TestSigning.NewMessage();
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse(Bob));
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _resolver.Dispose();
    }
}
