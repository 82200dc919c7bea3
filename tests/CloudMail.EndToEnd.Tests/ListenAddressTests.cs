using CloudMail.EndToEnd.Tests.Infrastructure;

namespace CloudMail.EndToEnd.Tests;

/// <summary>
/// Where <c>serve</c> listens when <c>CloudMail:ListenAddress</c> is not set: every address of the machine, IPv6 and IPv4,
/// as Postfix and Dovecot do by default; a client that resolves <c>localhost</c> to <c>::1</c> first gets an answer there.
/// (On a machine whose loopback has no IPv6, only IPv4 is there to try.)
/// </summary>
public sealed class ListenAddressTests : IAsyncLifetime
{
    private readonly CloudMailProcess _cloudmail = new(listenAddress: null);

    public async Task InitializeAsync()
    {
        await _cloudmail.StartWithUserAsync("alice@example.test", "long-enough-password-1");
    }

    public async Task DisposeAsync() => await _cloudmail.DisposeAsync();

    [Fact]
    public async Task By_default_mail_and_logins_are_taken_over_IPv6_and_IPv4()
    {
        string output = await Python.RunAsync("""
            import smtplib, imaplib, poplib, socket, ssl, sys, time
            smtp, imap, pop3 = (int(p) for p in sys.argv[1:4])
            try:  # a machine (or container) whose loopback has no IPv6 can only be reached over IPv4
                probe = socket.socket(socket.AF_INET6); probe.bind(("::1", 0)); probe.close(); hosts = ("::1", "127.0.0.1")
            except OSError:
                hosts = ("127.0.0.1",)
            print("ipv6", len(hosts) == 2)
            for host in hosts:
                with smtplib.SMTP(host, smtp, local_hostname="mx.remote.test", timeout=20) as s:
                    s.sendmail("carol@remote.test", ["alice@example.test"], f"Subject: over {host}\r\n\r\nhello\r\n".encode())
                    peer = s.sock.getpeername()[0]
                m = imaplib.IMAP4(host, imap, timeout=20); m.starttls(ssl._create_unverified_context())
                m.login("alice@example.test", "long-enough-password-1")
                for _ in range(100):  # accepted is queued: delivery into the mailbox follows within moments
                    m.select("INBOX")
                    found = m.search(None, "SUBJECT", f'"over {host}"')[1][0].split()
                    if found: break
                    time.sleep(0.1)
                m.logout()
                p = poplib.POP3(host, pop3, timeout=20); p.stls(ssl._create_unverified_context())
                p.user("alice@example.test"); p.pass_("long-enough-password-1"); count = p.stat()[0]; p.quit()
                print(host, peer, len(found), count)
            """, _cloudmail.Smtp.ToString(), _cloudmail.Imap.ToString(), _cloudmail.Pop3.ToString());

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(lines[0] == "ipv6 True" ? ["ipv6 True", "::1 ::1 1 1", "127.0.0.1 127.0.0.1 1 2"] : ["ipv6 False", "127.0.0.1 127.0.0.1 1 1"], lines);
    }
}
