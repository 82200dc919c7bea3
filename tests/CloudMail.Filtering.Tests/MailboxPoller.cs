using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace CloudMail.Filtering.Tests;

/// <summary>Reads a user's mailbox over IMAPS (MailKit) from a running test server, as the user's mail client would.</summary>
internal static class MailboxPoller
{
    /// <summary>
    /// The messages of <paramref name="mailbox"/> once it holds at least <paramref name="count"/> (or after 20 s, whatever
    /// it holds then). With <paramref name="settle"/>, the mailbox is read once more that long after the count was
    /// reached, so a message that should not have arrived would show.
    /// </summary>
    public static async Task<List<MimeMessage>> WaitForAsync(TestServer server, string user, string password, string mailbox, int count,
        TimeSpan? settle = null)
    {
        // A monotonic clock: a step of the wall clock (the machine's time being set) once ended the wait at once.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        bool reached = false;
        while (true)
        {
            using var imap = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
            await imap.ConnectAsync("127.0.0.1", server.Port(EndpointKind.Imaps), SecureSocketOptions.SslOnConnect);
            await imap.AuthenticateAsync(user, password);
            var folder = await imap.GetFolderAsync(mailbox);
            await folder.OpenAsync(FolderAccess.ReadOnly);
            var found = new List<MimeMessage>();
            for (int i = 0; i < folder.Count; i++) found.Add(await folder.GetMessageAsync(i));
            if (reached || waited.Elapsed > TimeSpan.FromSeconds(20)) return found;
            reached = found.Count >= count;
            if (reached && settle is null) return found;
            await Task.Delay(reached ? settle!.Value : TimeSpan.FromMilliseconds(200));
        }
    }
}
