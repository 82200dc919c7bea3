using System.Text;
using CloudMail.Core.Filtering.Training;
using CloudMail.Listener.Hosting;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Filtering.Tests.Spam;

/// <summary>
/// Training signals from a mail client (MailKit over IMAPS) filing mail into and out of Junk, recorded by the running
/// embedded server, listed by <c>cloudmail spam training list</c>, and taught to a real rspamd's controller.
/// </summary>
[Collection("rspamd")]
public sealed class SpamTrainingTests(RspamdFixture fixture)
{
    private const string Bob = "bob@" + TestServer.Domain;
    private const string BobPassword = "bob-password-1";

    /// <summary>A message with enough words for rspamd's Bayes (11 tokens at least) and a Message-ID of its own.</summary>
    private static MimeMessage Message(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("offers@remote.test"));
        message.To.Add(MailboxAddress.Parse(Bob));
        message.Subject = subject;
        message.MessageId = Guid.NewGuid().ToString("N") + "@remote.test";
        message.Body = new TextPart("plain")
        {
            Text = "Dear customer, claim your exclusive prize today by confirming your account details and payment card number "
                + "on our secure website before the offer expires at midnight. " + Guid.NewGuid().ToString("N"),
        };
        return message;
    }

    private static async Task<ImapClient> LoginAsync(TestServer server)
    {
        var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await imap.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Imaps), SecureSocketOptions.SslOnConnect);
        await imap.AuthenticateAsync(Bob, BobPassword);
        return imap;
    }

    private static async Task<IReadOnlyList<TrainingSignal>> SignalsAsync(TestServer server) =>
        await server.Get<ISpamTrainingStore>().ListAsync(Bob, 100, CancellationToken.None);

    /// <summary>The signals once <paramref name="done"/> holds for them (or after 60 s, as they are then).</summary>
    private static async Task<IReadOnlyList<TrainingSignal>> WaitForSignalsAsync(TestServer server, Func<IReadOnlyList<TrainingSignal>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var signals = await SignalsAsync(server);
            if (done(signals) || DateTime.UtcNow > deadline) return signals;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Filing_into_Junk_by_MOVE_COPY_or_APPEND_is_spam_out_of_Junk_is_ham_and_into_Trash_is_nothing()
    {
        await using var server = await TestServer.StartAsync();
        await server.AddUserAsync(Bob, BobPassword);
        using var imap = await LoginAsync(server);
        var inbox = imap.Inbox;
        var junk = await imap.GetFolderAsync("Junk");
        var trash = await imap.GetFolderAsync("Trash");
        await inbox.AppendAsync(Message("moved"));
        await inbox.AppendAsync(Message("copied"));
        await inbox.AppendAsync(Message("kept"));
        Assert.Empty(await SignalsAsync(server));

        await inbox.OpenAsync(FolderAccess.ReadWrite);
        var uids = await inbox.SearchAsync(MailKit.Search.SearchQuery.All);
        await inbox.MoveToAsync(uids[0], junk);   // MOVE
        await inbox.CopyToAsync(uids[1], junk);   // COPY (then a client would expunge)
        await junk.AppendAsync(Message("appended"));
        Assert.Equal(3, (await SignalsAsync(server)).Count(s => s.Kind == TrainingKind.Spam));

        await junk.OpenAsync(FolderAccess.ReadWrite);
        var junkUids = await junk.SearchAsync(MailKit.Search.SearchQuery.All);
        await junk.MoveToAsync(junkUids[0], inbox);  // not spam after all
        await junk.MoveToAsync(junkUids[1], trash);  // deleted: says nothing
        await junk.CopyToAsync(junkUids[2], junk);   // within Junk: says nothing

        var signals = await SignalsAsync(server);
        Assert.Equal(["Ham", "Spam", "Spam", "Spam"], signals.Select(s => s.Kind.ToString()).Order());
        var ham = Assert.Single(signals, s => s.Kind == TrainingKind.Ham);
        Assert.Equal(("Junk", "INBOX"), (ham.Source, ham.Destination));
        Assert.Contains(signals, s => s.Source == TrainingSignal.AppendSource && s.Destination == "Junk");
        Assert.All(signals, s => Assert.Equal(TrainingState.Pending, s.State)); // no rspamd configured: recorded only

        var stdout = new StringWriter();
        Assert.Equal(0, await new SpamTrainingCommands(server.Services, stdout, new StringWriter()).RunAsync(["spam", "training", "list", "--account", Bob], CancellationToken.None));
        string[] lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.Contains($"{Bob}  ham  Junk -> INBOX  message ", StringComparison.Ordinal) && l.EndsWith("pending", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"{Bob}  spam  INBOX -> Junk  message ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rspamds_controller_learns_the_signals_of_a_MOVE_into_and_out_of_Junk()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Spam:Rspamd:ControllerUrl"] = fixture.Rspamd.ControllerUrl,
            ["CloudMail:Spam:Rspamd:Password"] = RspamdProcess.Password,
        });
        await server.AddUserAsync(Bob, BobPassword);
        var before = await fixture.Rspamd.StatAsync();
        using var imap = await LoginAsync(server);
        var junk = await imap.GetFolderAsync("Junk");
        await imap.Inbox.AppendAsync(Message("prize"));
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        await imap.Inbox.MoveToAsync((await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.All))[0], junk);

        var learned = await WaitForSignalsAsync(server, s => s.Count == 1 && s[0].State != TrainingState.Pending);
        Assert.Equal((TrainingKind.Spam, TrainingState.Learned, null), (learned[0].Kind, learned[0].State, learned[0].LastError));
        var afterSpam = await fixture.Rspamd.StatAsync();
        Assert.Equal(before.Learned + 1, afterSpam.Learned);
        Assert.Equal(before.Revisions["BAYES_SPAM"] + 1, afterSpam.Revisions["BAYES_SPAM"]);

        await junk.OpenAsync(FolderAccess.ReadWrite);
        await junk.MoveToAsync((await junk.SearchAsync(MailKit.Search.SearchQuery.All))[0], imap.Inbox);
        var both = await WaitForSignalsAsync(server, s => s.Count == 2 && s.All(x => x.State != TrainingState.Pending));
        Assert.All(both, s => Assert.Equal(TrainingState.Learned, s.State));
        var afterHam = await fixture.Rspamd.StatAsync();
        Assert.Equal(afterSpam.Revisions["BAYES_HAM"] + 1, afterHam.Revisions["BAYES_HAM"]);
    }

    [Fact]
    public async Task With_the_controller_down_the_MOVE_completes_and_the_signal_waits_for_a_retry()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Spam:Rspamd:ControllerUrl"] = "http://127.0.0.1:9",
        });
        await server.AddUserAsync(Bob, BobPassword);
        using var imap = await LoginAsync(server);
        var junk = await imap.GetFolderAsync("Junk");
        await imap.Inbox.AppendAsync(Message("prize"));
        await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
        await imap.Inbox.MoveToAsync((await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.All))[0], junk);
        Assert.Equal(0, imap.Inbox.Count);

        var tried = await WaitForSignalsAsync(server, s => s.Count == 1 && s[0].Attempts > 0);
        var signal = Assert.Single(tried);
        Assert.Equal((TrainingState.Pending, 1), (signal.State, signal.Attempts));
        Assert.NotNull(signal.LastError);
        Assert.True(signal.DueAt > signal.RecordedAt.AddSeconds(30), "the retry waits");
    }
}
