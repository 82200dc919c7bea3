using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Imap;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tests.Pop3;
using CloudMail.Listener.Tests.Smtp;

namespace CloudMail.Listener.Tests.Auth;

/// <summary>How a server answered one login, whatever the protocol.</summary>
public enum LoginReply
{
    /// <summary>IMAP OK, POP3 +OK, SMTP 235.</summary>
    Ok,

    /// <summary>IMAP NO [AUTHENTICATIONFAILED], POP3 -ERR [AUTH], SMTP 535.</summary>
    Failed,

    /// <summary>IMAP NO [UNAVAILABLE], POP3 -ERR [SYS/TEMP], SMTP 454.</summary>
    Throttled,
}

/// <summary>
/// One login on a fresh connection over implicit TLS, from a chosen loopback address, on IMAP (LOGIN, port 993), POP3
/// (USER/PASS, 995) or SMTP submission (AUTH PLAIN, 465), so the same throttling test runs on every protocol.
/// </summary>
public static class LoginProbe
{
    public const string Imap = "imap";
    public const string Pop3 = "pop3";
    public const string Smtp = "smtp";

    /// <summary>Logs in once and classifies the reply; an unexpected reply fails the test with its text.</summary>
    public static async Task<LoginReply> LoginAsync(TestServer server, string protocol, string from, string user, string password)
    {
        string reply = await ReplyAsync(server, protocol, from, user, password);
        return protocol switch
        {
            Imap when reply.StartsWith("a OK", StringComparison.Ordinal) => LoginReply.Ok,
            Imap when reply == "a NO [AUTHENTICATIONFAILED] Invalid credentials" => LoginReply.Failed,
            Imap when reply.StartsWith("a NO [UNAVAILABLE]", StringComparison.Ordinal) => LoginReply.Throttled,
            Pop3 when reply.StartsWith("+OK", StringComparison.Ordinal) => LoginReply.Ok,
            Pop3 when reply == "-ERR [AUTH] authentication failed" => LoginReply.Failed,
            Pop3 when reply.StartsWith("-ERR [SYS/TEMP]", StringComparison.Ordinal) => LoginReply.Throttled,
            Smtp when reply.StartsWith("235 ", StringComparison.Ordinal) => LoginReply.Ok,
            Smtp when reply == "535 5.7.8 Authentication credentials invalid" => LoginReply.Failed,
            Smtp when reply.StartsWith("454 4.7.0", StringComparison.Ordinal) => LoginReply.Throttled,
            _ => throw new Xunit.Sdk.XunitException($"unexpected {protocol} login reply: {reply}"),
        };
    }

    /// <summary>Logs in <paramref name="times"/> times, one connection each, and returns the replies in order.</summary>
    public static async Task<LoginReply[]> LoginAsync(TestServer server, string protocol, string from, string user, string password, int times)
    {
        var replies = new LoginReply[times];
        for (int i = 0; i < times; i++) replies[i] = await LoginAsync(server, protocol, from, user, password);
        return replies;
    }

    private static async Task<string> ReplyAsync(TestServer server, string protocol, string from, string user, string password)
    {
        switch (protocol)
        {
            case Imap:
            {
                await using var imap = await RawImapClient.ConnectAsync(server, implicitTls: true, from);
                await imap.ReadLineAsync();
                return (await imap.CommandAsync($"a LOGIN \"{user}\" \"{password}\"", "a"))[^1];
            }
            case Pop3:
            {
                await using var pop3 = await Pop3LineClient.ConnectAsync(server.Port(EndpointKind.Pop3s), implicitTls: true, from);
                await pop3.CommandAsync("USER " + user);
                return await pop3.CommandAsync("PASS " + password);
            }
            case Smtp:
            {
                await using var smtp = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Submissions), implicitTls: true, from);
                return (await smtp.CommandAsync("AUTH PLAIN " + Plain(user, password))).ToString();
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null);
        }
    }

    /// <summary>The base64 SASL PLAIN initial response (RFC 4616 §2) for <paramref name="user"/>.</summary>
    public static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
}
