using System.Buffers;
using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Writing;

namespace CloudMail.Listener.Tests.Imap;

public class ImapMailboxModelTests
{
    private static MessageRecord Message(uint uid, ulong modSeq, MessageFlags flags = MessageFlags.None) =>
        new(uid, new BlobRef("b" + uid, 10, "00"), DateTimeOffset.UnixEpoch, flags, [], modSeq);

    private static SelectedMailbox View(params MessageRecord[] messages) =>
        new(new MailboxInfo("INBOX", 7, 10, 5, messages.Length, 0, 0, SpecialUse.None), messages, readOnly: false);

    private static string Updates(SelectedMailbox view, bool allowExpunge)
    {
        var buffer = new ArrayBufferWriter<byte>();
        view.WriteUpdates(new ImapResponseWriter(buffer), allowExpunge, condStore: false);
        return Encoding.ASCII.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Expunges_wait_until_allowed_and_keep_sequence_numbers_meanwhile()
    {
        var view = View(Message(1, 1), Message(2, 2), Message(3, 3));
        view.Apply(new MailboxChanges(9, [Message(4, 8)], [2]));
        Assert.Equal("* 4 EXISTS\r\n* 0 RECENT\r\n", Updates(view, allowExpunge: false));
        Assert.Equal(4, view.Count);
        Assert.Equal(2u, view.UidAt(2));
        Assert.Equal("* 2 EXPUNGE\r\n", Updates(view, allowExpunge: true));
        Assert.Equal([1u, 3u, 4u], view.All.Select(m => m.Uid));
        Assert.Equal("", Updates(view, allowExpunge: true));
    }

    [Fact]
    public void An_answer_from_below_the_pruned_expunge_log_expunges_every_known_message_it_does_not_list()
    {
        var view = View(Message(1, 1), Message(2, 2), Message(3, 3));
        view.Apply(new MailboxChanges(20, [Message(1, 1), Message(3, 3), Message(7, 19)], [], Complete: false));
        Assert.Equal("* 2 EXPUNGE\r\n* 3 EXISTS\r\n* 0 RECENT\r\n", Updates(view, allowExpunge: true));
        Assert.Equal([1u, 3u, 7u], view.All.Select(m => m.Uid));
    }

    [Fact]
    public void Flag_changes_by_others_are_reported_once_and_own_changes_not_at_all()
    {
        var view = View(Message(1, 1), Message(2, 2));
        view.ApplyLocal([Message(1, 6, MessageFlags.Seen)]);
        view.Apply(new MailboxChanges(7, [Message(1, 6, MessageFlags.Seen), Message(2, 7, MessageFlags.Flagged)], []));
        Assert.Equal("* 2 FETCH (FLAGS (\\Flagged) UID 2)\r\n", Updates(view, allowExpunge: false));
        Assert.Equal("", Updates(view, allowExpunge: false));
        Assert.Equal(7UL, view.KnownModSeq);
    }

    [Fact]
    public void Sequence_sets_resolve_against_what_the_client_knows()
    {
        var view = View(Message(3, 1), Message(5, 2), Message(9, 3));
        view.Apply(new MailboxChanges(4, [Message(12, 4)], []));
        Assert.True(view.TryResolve(new SequenceSet([new SequenceRange(2, SequenceRange.Star)]), uid: false, out var bySeq));
        Assert.Equal([5u, 9u], bySeq.Select(t => t.Message.Uid));
        Assert.True(view.TryResolve(new SequenceSet([new SequenceRange(4, 100)]), uid: true, out var byUid));
        Assert.Equal([5u, 9u], byUid.Select(t => t.Message.Uid));
        Assert.False(view.TryResolve(new SequenceSet([new SequenceRange(4, 4)]), uid: false, out _));
    }

    [Theory]
    [InlineData("INBOX", "*", true)]
    [InlineData("INBOX", "inbox", true)]
    [InlineData("INBOX/Sub", "Inbox/%", true)]
    [InlineData("INBOX", "*Inbox*", true)]   // INBOX is case-insensitive wherever the pattern spells it (as Dovecot)
    [InlineData("INBOX", "in%", true)]
    [InlineData("INBOX", "*bOx", true)]
    [InlineData("Inboxes", "*BOX*", false)]   // other names stay case-sensitive
    [InlineData("INBOX/Sub", "inbox/sub", false)]
    [InlineData("a/b/c", "a/%", false)]
    [InlineData("a/b/c", "a/*", true)]
    [InlineData("a/b/c", "%/%/%", true)]
    [InlineData("Archive", "Arch%", true)]
    [InlineData("archive", "Arch%", false)]
    [InlineData("a", "a%", true)]
    [InlineData("ab", "a%b", true)]
    public void List_wildcards_follow_RFC_3501(string name, string pattern, bool matches)
    {
        Assert.Equal(matches, ListPattern.Compile(pattern).Matches(name));
    }

    [Theory]
    [InlineData("a/b/c", "a**%*", true)]
    [InlineData("a/b/c", "a%%%", false)]
    [InlineData("a/b/c", "a/%%%", false)]
    [InlineData("a/b/c", "a/%%/%", true)]
    [InlineData("abc", "%%b%*%", true)]
    [InlineData("a/a", "*a%", true)]
    [InlineData("a/x", "%a%", false)]
    [InlineData("ab/b", "%b%", false)]
    [InlineData("", "%", true)]
    [InlineData("", "*", true)]
    [InlineData("x", "", false)]
    public void Runs_of_wildcards_match_as_one_and_percent_stops_at_the_delimiter(string name, string pattern, bool matches)
    {
        Assert.Equal(matches, ListPattern.Compile(pattern).Matches(name));
    }

    [Theory]
    [InlineData("a**%*", "a*")]
    [InlineData("%%%/%", "%/%")]
    [InlineData("inbox/%*%", "INBOX/*")]
    public void Compiling_collapses_wildcard_runs(string pattern, string compiled) => Assert.Equal(compiled, ListPattern.Compile(pattern).ToString());

    [Fact]
    public void Worst_case_patterns_against_long_names_stay_fast()
    {
        // The shapes that were quadratic per wildcard: a thousand "*", a thousand "%", and alternating "*a"/"%a"
        // that cannot collapse, each against names of 4096 characters that almost match.
        string name = new string('a', 4095) + "/";
        string[] patterns = [new string('*', 1000) + "b", new string('%', 1000) + "b", string.Concat(Enumerable.Repeat("*a", 500)) + "b",
            string.Concat(Enumerable.Repeat("%a", 500)) + "b"];
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (string pattern in patterns)
        {
            Assert.False(ListPattern.Compile(pattern).Matches(name));
            Assert.True(ListPattern.Compile(pattern[..^1] + "*").Matches(name));
        }
        // Milliseconds when linear; the quadratic shapes took minutes. The bound leaves room for a starved CPU.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("inbox", "INBOX")]
    [InlineData("Inbox/Work", "INBOX/Work")]
    [InlineData("Inboxes", "Inboxes")]
    public void Inbox_is_case_insensitive(string given, string stored) => Assert.Equal(stored, MailboxNames.Normalize(given));

    [Theory]
    [InlineData("a//b", false)]
    [InlineData("/a", false)]
    [InlineData("a*b", false)]
    [InlineData("a/", false)]
    [InlineData("a\rb", false)]
    [InlineData("Projects/2024", true)]
    public void New_names_are_validated(string name, bool valid) => Assert.Equal(valid, MailboxNames.IsValidNew(name));

    [Fact]
    public void Header_fields_are_filtered_with_exact_bytes_and_the_blank_line()
    {
        byte[] header = Encoding.ASCII.GetBytes("Subject: hi\r\nX-Long: a\r\n\tb\r\nFrom: x@y\r\n\r\n");
        Assert.Equal("X-Long: a\r\n\tb\r\n\r\n", Encoding.ASCII.GetString(SectionResolver.FilterHeader(header, ["x-long"], exclude: false)));
        Assert.Equal("Subject: hi\r\nFrom: x@y\r\n\r\n", Encoding.ASCII.GetString(SectionResolver.FilterHeader(header, ["X-LONG"], exclude: true)));
        Assert.Equal("", Encoding.ASCII.GetString(SectionResolver.FilterHeader("Subject: no body\r\n"u8, ["To"], exclude: false)));
    }

    [Theory]
    [InlineData("Subject : spaced\r\nsubject:\tcase\r\nSubjects: other\r\nSub: short\r\n\r\n", "SUBJECT", "Subject : spaced\r\nsubject:\tcase\r\n\r\n")]
    [InlineData("To: a\nSubject: bare LF\n folded\nFrom: b\n\nbody", "subject", "Subject: bare LF\n folded\n\r\n")]
    [InlineData("X-\u00ffSubject: 8-bit name\r\nSubject: last, no line end", "subject", "Subject: last, no line end")]
    [InlineData("no colon here\r\n: empty name\r\nSubject: x\r\n", "subject", "Subject: x\r\n")]
    [InlineData("Subject: a\r\nFrom: b\r\nSubject: again\r\n\r\n", "from", "From: b\r\n\r\n")]
    public void Header_fields_are_matched_by_name_whatever_the_case_and_line_ends(string header, string field, string expected) =>
        Assert.Equal(expected, Encoding.Latin1.GetString(SectionResolver.FilterHeader(Encoding.Latin1.GetBytes(header), [field, "Reply-To"], exclude: false)));

    [Fact]
    public void Internal_dates_are_formatted_with_the_numeric_zone()
    {
        Assert.Equal("05-Feb-2024 08:09:10 -0230", ImapFlags.FormatDateTime(new DateTimeOffset(2024, 2, 5, 8, 9, 10, TimeSpan.FromMinutes(-150))));
    }
}
