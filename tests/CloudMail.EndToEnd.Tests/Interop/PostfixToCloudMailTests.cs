using CloudMail.EndToEnd.Tests.Infrastructure;

namespace CloudMail.EndToEnd.Tests.Interop;

/// <summary>
/// A real Postfix relays to CloudMail as another organisation's server would: Postfix on 127.0.0.51:25 takes a message
/// for b.test from a local client and relays it to CloudMail on 127.0.0.50:25 (b.test's MX, Postfix's relayhost), and
/// the user reads it over IMAP. Addresses of its own: the outbound tests' servers own 127.0.0.2-6 port 25 meanwhile.
/// </summary>
public sealed class PostfixToCloudMailTests : IAsyncLifetime
{
    private const string Bob = "bob@b.test";
    private const string BobPassword = "bob-secret-22";
    private readonly CloudMailProcess _cloudmail = new(listenAddress: "127.0.0.50", smtpPort: 25, hostName: "mx.b.test");
    private PostfixInstance? _postfix;

    public async Task InitializeAsync()
    {
        await _cloudmail.AdminAsync(null, "domain", "add", "b.test");
        await _cloudmail.AdminAsync(BobPassword + "\n", "user", "add", Bob);
        await _cloudmail.StartAsync();
        _postfix = await PostfixInstance.StartAsync("127.0.0.51", "c.test", relayHost: "[127.0.0.50]:25");
    }

    public async Task DisposeAsync()
    {
        if (_postfix is not null) await _postfix.DisposeAsync();
        await _cloudmail.DisposeAsync();
    }

    [Fact]
    public async Task Mail_relayed_by_Postfix_lands_in_the_CloudMail_inbox_with_a_Received_trail()
    {
        await Python.RunAsync("""
            import smtplib, sys
            from email.message import EmailMessage
            m = EmailMessage(); m["From"] = "carol@c.test"; m["To"] = "bob@b.test"; m["Subject"] = "via-postfix"
            m.set_content("Relayed by Postfix.")
            with smtplib.SMTP("127.0.0.51", 25, local_hostname="client.c.test", timeout=20) as s:
                s.send_message(m)
            """);

        List<string> subjects = await MailClients.WaitForSubjectsAsync(_cloudmail.Imaps, Bob, BobPassword, ["via-postfix"],
            TimeSpan.FromSeconds(30), host: _cloudmail.ListenAddress);
        Assert.Equal(["via-postfix"], subjects);
        await _postfix!.WaitForLogAsync("relay=127.0.0.50[127.0.0.50]:25", TimeSpan.FromSeconds(10));
        Assert.Contains("status=sent (250", _postfix.Log, StringComparison.Ordinal);
    }
}
