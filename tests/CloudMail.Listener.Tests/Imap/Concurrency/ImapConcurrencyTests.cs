using System.Text;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace CloudMail.Listener.Tests.Imap.Concurrency;

/// <summary>
/// Several IMAP sessions on one mailbox append, flag, copy, move and expunge at random while POP3 sessions delete
/// and local delivery adds mail; every IMAP client keeps its own model of the mailbox from the server's responses
/// (<see cref="ImapClientModel"/>). Passes only when no response broke a rule, and when every client's model, once
/// brought up to date with NOOP, equals a fresh session's view of the mailbox (UIDs and flags). Half the sessions select
/// with CONDSTORE (as imaptest does when the server offers it) and one enables QRESYNC (imaptest's qresync option:
/// VANISHED instead of EXPUNGE, UID in every FETCH); all of them share a <see cref="MailboxLedger"/>, every
/// tagged reply must carry text (RFC 3501 §7.1 resp-text) and LOGOUT must say BYE first (§7.1.5).
/// </summary>
[Collection(ImapCollection.Name)]
public sealed partial class ImapConcurrencyTests(ImapServerFixture fixture)
{
    private const int Clients = 4;
    private const int OperationsPerClient = 60;
    private const int Pop3Rounds = 4;
    private const int LocalDeliveries = 15;

    [Theory]
    [InlineData(20261204)]
    [InlineData(7)]
    public async Task Concurrent_sessions_mixing_imap_pop3_and_delivery_keep_every_model_right(int seed)
    {
        string user = await fixture.NewUserAsync();
        for (int i = 0; i < 10; i++) await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", Message($"seed {i}"));

        var ledger = new MailboxLedger();
        var actors = new List<ImapActor>();
        for (int i = 0; i < Clients; i++)
            actors.Add(await ImapActor.StartAsync(fixture.Server, user, $"client{i}", seed + i, ledger, condStore: i % 2 == 0, qResync: i == Clients - 1));

        var work = actors.Select(a => a.RunAsync(OperationsPerClient)).ToList();
        work.Add(Pop3DeletesAsync(user, new Random(seed - 1)));
        work.Add(LocalDeliveriesAsync(user));
        await Task.WhenAll(work);

        var fresh = await ImapActor.StartAsync(fixture.Server, user, "fresh", seed, ledger, condStore: false);
        await fresh.LearnEverythingAsync();
        var violations = new List<string>(fresh.Model.Violations);
        foreach (var actor in actors)
        {
            await actor.LearnEverythingAsync();
            violations.AddRange(actor.Model.Violations);
            if (!actor.Model.Uids.SequenceEqual(fresh.Model.Uids))
                violations.Add($"{actor.Name}: sequence → UID [{string.Join(',', actor.Model.Uids)}], a fresh session has [{string.Join(',', fresh.Model.Uids)}]");
            foreach (uint uid in fresh.Model.Uids)
            {
                var mine = Shared(actor.Model.FlagsOf(uid));
                var theirs = Shared(fresh.Model.FlagsOf(uid))!;
                if (mine is null || !mine.SetEquals(theirs))
                    violations.Add($"{actor.Name}: UID {uid} flags ({string.Join(" ", mine ?? new HashSet<string>())}), fresh session ({string.Join(' ', theirs)})");
            }
        }
        // RFC 3501 §2.3.2: \Recent belongs to one session at most.
        foreach (var uid in fresh.Model.Uids)
        {
            var holders = actors.Append(fresh).Where(a => a.Model.FlagsOf(uid)?.Contains("\\Recent") == true).Select(a => a.Name).ToList();
            if (holders.Count > 1) violations.Add($"UID {uid} is \\Recent in {string.Join(", ", holders)}");
        }
        foreach (var actor in actors.Append(fresh))
        {
            if (await actor.LogoutProblemAsync() is { } problem) violations.Add(problem);
            await actor.DisposeAsync();
        }

        Assert.True(actors.Sum(a => a.Appended) > 0 && actors.Sum(a => a.Expunged) > 0, "the run appended and expunged");
        Assert.True(ledger.Recorded > 0, "the sessions fetched RFC822.SIZE, INTERNALDATE and ENVELOPE to compare");
        Assert.True(actors.Single(a => a.Model.QResync).Model.Vanished > 0, "the QRESYNC session was told of expunges by VANISHED");
        Assert.True(violations.Count == 0, $"seed {seed}:\n" + string.Join('\n', violations.Take(40)));
    }

    /// <summary>The flags every session shares: all but the per-session \Recent.</summary>
    private static HashSet<string>? Shared(IReadOnlySet<string>? flags) =>
        flags is null ? null : new(flags.Where(f => !f.Equals("\\Recent", StringComparison.OrdinalIgnoreCase)), StringComparer.OrdinalIgnoreCase);

    private async Task Pop3DeletesAsync(string user, Random random)
    {
        for (int round = 0; round < Pop3Rounds; round++)
        {
            await Task.Delay(random.Next(50, 300));
            using var pop3 = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
            await pop3.ConnectAsync("127.0.0.1", fixture.Server.Port(EndpointKind.Pop3s), SecureSocketOptions.SslOnConnect);
            await pop3.AuthenticateAsync(user, ImapServerFixture.Password);
            if (pop3.Count > 0)
            {
                int index = random.Next(pop3.Count);
                try
                {
                    await pop3.GetMessageAsync(index);
                }
                catch (Pop3CommandException)
                {
                    // An IMAP client expunged it since this maildrop opened: -ERR for that message, the session goes on.
                }
                await pop3.DeleteMessageAsync(index);
            }
            await pop3.DisconnectAsync(quit: true);
        }
    }

    private async Task LocalDeliveriesAsync(string user)
    {
        for (int i = 0; i < LocalDeliveries; i++)
        {
            await ImapTest.DeliverAsync(fixture.Server, user, "INBOX", Message($"delivered {i}"));
            await Task.Delay(40);
        }
    }

    internal static string Message(string subject) =>
        $"From: a@example.org\r\nTo: b@example.org\r\nSubject: {subject}\r\nDate: Fri, 4 Dec 2026 08:00:00 +0000\r\n" +
        $"Message-ID: <{Guid.NewGuid():N}@example.org>\r\n\r\nbody of {subject}\r\n";

    /// <summary>resp-cond-state after the tag: status, optional [code], then text (RFC 3501 §9 resp-text needs text).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^(OK|NO|BAD) (\[[^\]]*\] \S|[^\[\s])")]
    private static partial System.Text.RegularExpressions.Regex TaggedWithText();

    /// <summary>One IMAP session doing random operations on INBOX through a raw client, feeding its model.</summary>
    private sealed class ImapActor : IAsyncDisposable
    {
        private static readonly string[] Keywords = ["$Label1", "$Label2", "Work", "Later", "$Forwarded"];

        private readonly RawImapClient _client;
        private readonly Random _random;
        private int _tag;

        private ImapActor(string name, RawImapClient client, Random random, MailboxLedger ledger)
        {
            Name = name;
            _client = client;
            _random = random;
            Model = new ImapClientModel(name, ledger);
        }

        public string Name { get; }

        public ImapClientModel Model { get; }

        public int Appended { get; private set; }

        public int Expunged { get; private set; }

        public static async Task<ImapActor> StartAsync(TestServer server, string user, string name, int seed, MailboxLedger ledger, bool condStore,
            bool qResync = false)
        {
            var client = await RawImapClient.LoginAsync(server, user, ImapServerFixture.Password);
            var actor = new ImapActor(name, client, new Random(seed), ledger);
            if (qResync)
            {
                await actor.RunAsync("ENABLE QRESYNC");
                actor.Model.QResync = true;
            }
            await actor.RunAsync(condStore ? "SELECT INBOX (CONDSTORE)" : "SELECT INBOX");
            await actor.RunAsync("CREATE Archive");
            await actor.LearnEverythingAsync();
            return actor;
        }

        /// <summary>NOOP then FETCH 1:* (UID FLAGS): afterwards the model knows every UID and flag.</summary>
        public async Task LearnEverythingAsync()
        {
            await RunAsync("NOOP");
            if (Model.Count > 0) await RunAsync("FETCH 1:* (UID FLAGS)");
        }

        public async Task RunAsync(int operations)
        {
            for (int i = 0; i < operations; i++)
            {
                switch (_random.Next(11))
                {
                    case 10: if (Model.Count > 0) await RunAsync($"FETCH {_random.Next(1, Model.Count + 1)} (UID RFC822.SIZE INTERNALDATE ENVELOPE)"); break;
                    case 0 or 1: await AppendAsync(); break;
                    case 2: await StoreBySequenceAsync(); break;
                    case 3: await WithKnownUidAsync(uid => $"UID STORE {uid} {(_random.Next(2) == 0 ? "+" : "-")}FLAGS ({Keyword()} \\Seen)"); break;
                    case 4: if (Model.Count > 0) await RunAsync("FETCH 1:* (UID FLAGS)"); break;
                    case 5: await RunAsync(_random.Next(2) == 0 ? "SEARCH ALL" : "UID SEARCH FLAGGED"); break;
                    case 6: if (Model.Count > 0) await RunAsync($"COPY {_random.Next(1, Model.Count + 1)} Archive"); break;
                    case 7: await MoveAsync(); break;
                    case 8: await DeleteAndExpungeAsync(); break;
                    default: await RunAsync("NOOP"); break;
                }
            }
        }

        private async Task AppendAsync()
        {
            byte[] body = Encoding.ASCII.GetBytes(Message($"{Name} {Appended}"));
            string flags = _random.Next(3) == 0 ? $"(\\Seen {Keyword()})" : "()";
            string tag = NextTag();
            string line = $"{tag} APPEND INBOX {flags} {{{body.Length}+}}";
            await _client.SendAsync([.. Encoding.ASCII.GetBytes(line + "\r\n"), .. body, .. "\r\n"u8.ToArray()]);
            var lines = await _client.ReadUntilTaggedAsync(tag);
            Model.Apply(line, lines);
            if (lines[^1].StartsWith(tag + " OK", StringComparison.Ordinal)) Appended++;
            else Model.Violations.Add($"{Name}: APPEND refused: {lines[^1]}");
        }

        private Task StoreBySequenceAsync() => Model.Count == 0
            ? Task.CompletedTask
            : RunAsync($"STORE {_random.Next(1, Model.Count + 1)} +FLAGS ({Keyword()} \\Flagged)");

        private Task MoveAsync() => WithKnownUidAsync(uid => $"UID MOVE {uid} Archive", counts: true);

        private async Task DeleteAndExpungeAsync()
        {
            await WithKnownUidAsync(uid => $"UID STORE {uid} +FLAGS.SILENT (\\Deleted)");
            await RunAsync("EXPUNGE", counts: true);
        }

        private async Task WithKnownUidAsync(Func<uint, string> command, bool counts = false)
        {
            var known = Model.Uids.Where(u => u != 0).ToList();
            if (known.Count == 0) return;
            await RunAsync(command(known[_random.Next(known.Count)]), counts);
        }

        /// <summary>Sends one command and feeds every untagged line to the model; a BAD answer is a violation.</summary>
        public async Task RunAsync(string command, bool counts = false)
        {
            string tag = NextTag();
            string line = $"{tag} {command}";
            var lines = await _client.CommandAsync(line, tag);
            Model.Apply(line, lines);
            if (lines[^1].StartsWith(tag + " BAD", StringComparison.Ordinal)) Model.Violations.Add($"{Name}: {line} → {lines[^1]}");
            if (!TaggedWithText().IsMatch(lines[^1][(tag.Length + 1)..])) Model.Violations.Add($"{Name}: tagged reply without text (RFC 3501 §7.1): {lines[^1]}");
            if (counts) Expunged += lines.Count(l => l.EndsWith(" EXPUNGE", StringComparison.Ordinal));
        }

        /// <summary>LOGOUT: an untagged BYE, then the tagged OK (RFC 3501 §6.1.3); null when so, else what went wrong.</summary>
        public async Task<string?> LogoutProblemAsync()
        {
            string tag = NextTag();
            var lines = await _client.CommandAsync($"{tag} LOGOUT", tag);
            return lines.Count >= 2 && lines[^2].StartsWith("* BYE ", StringComparison.Ordinal) && lines[^1].StartsWith(tag + " OK ", StringComparison.Ordinal)
                ? null
                : $"{Name}: LOGOUT answered [{string.Join(" | ", lines)}]";
        }

        private string Keyword() => Keywords[_random.Next(Keywords.Length)];

        private string NextTag() => $"{Name[..1]}{++_tag}";

        public ValueTask DisposeAsync() => _client.DisposeAsync();
    }
}
