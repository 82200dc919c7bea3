namespace CloudMail.Listener.Tests.Imap.Concurrency;

/// <summary>The checker itself: each rule it enforces fails on a server that breaks it.</summary>
public class ImapClientModelTests
{
    private static ImapClientModel Selected(params uint[] uids)
    {
        var model = new ImapClientModel("c");
        model.Apply("s SELECT INBOX", ["* FLAGS (\\Seen \\Deleted Work)", $"* {uids.Length} EXISTS"]);
        model.Apply("f FETCH 1:* (UID FLAGS)", uids.Select((u, i) => $"* {i + 1} FETCH (UID {u} FLAGS ())"));
        return model;
    }

    [Fact]
    public void A_well_behaved_exchange_keeps_the_model_and_records_nothing()
    {
        var model = Selected(3, 5, 9);
        model.Apply("n NOOP", ["* 2 EXPUNGE", "* 3 EXISTS", "* 3 FETCH (UID 12 FLAGS (Work))"]);
        Assert.Empty(model.Violations);
        Assert.Equal([3u, 9u, 12u], model.Uids);
        Assert.Contains("Work", model.FlagsOf(12)!);
    }

    [Theory]
    [InlineData("f FETCH 1:* (FLAGS)")]
    [InlineData("s STORE 1 +FLAGS (\\Seen)")]
    [InlineData("s SEARCH ALL")]
    public void An_expunge_while_answering_a_sequence_number_command_is_a_violation(string command)
    {
        var model = Selected(3, 5);
        model.Apply(command, ["* 1 EXPUNGE"]);
        Assert.Contains(model.Violations, v => v.Contains("§7.4.1"));
    }

    [Fact]
    public void An_expunge_during_a_uid_command_is_allowed()
    {
        var model = Selected(3, 5);
        model.Apply("u UID STORE 5 +FLAGS (\\Seen)", ["* 1 EXPUNGE", "* 1 FETCH (UID 5 FLAGS (\\Seen))"]);
        Assert.Empty(model.Violations);
    }

    [Theory]
    [InlineData("* 2 FETCH (UID 7 FLAGS ())", "model has 5")]
    [InlineData("* 4 FETCH (UID 7 FLAGS ())", "outside")]
    [InlineData("* 1 EXISTS", "below")]
    [InlineData("* 3 EXPUNGE", "outside")]
    [InlineData("* 1 FETCH (UID 3 FLAGS (NewKeyword))", "before untagged FLAGS")]
    public void Responses_that_contradict_the_model_are_violations(string line, string expected)
    {
        var model = Selected(3, 5);
        model.Apply("n NOOP", [line]);
        Assert.Contains(model.Violations, v => v.Contains(expected));
    }

    [Fact]
    public void A_keyword_announced_in_flags_first_is_accepted()
    {
        var model = Selected(3);
        model.Apply("n NOOP", ["* FLAGS (\\Seen NewKeyword)", "* 1 FETCH (UID 3 FLAGS (NewKeyword))"]);
        Assert.Empty(model.Violations);
    }

    [Theory]
    [InlineData("* OK [PERMANENTFLAGS (\\Seen \\Deleted \\*)] Flags permitted", "leaves out keyword Work")]
    [InlineData("* OK [PERMANENTFLAGS (\\Seen Work Other \\*)] Flags permitted", "keyword Other not in FLAGS")]
    [InlineData("* FLAGS (\\Seen)", "drops keyword Work")]
    public void Flags_and_permanentflags_that_disagree_are_violations(string line, string expected)
    {
        var model = Selected(3);
        model.Apply("n NOOP", ["* 1 FETCH (UID 3 FLAGS (Work))"]);
        model.Apply("n NOOP", [line]);
        Assert.Contains(model.Violations, v => v.Contains(expected));
    }

    [Fact]
    public void A_modseq_going_down_is_a_violation()
    {
        var model = Selected(3);
        model.Apply("n NOOP", ["* 1 FETCH (UID 3 FLAGS (\\Seen) MODSEQ (9))", "* 1 FETCH (UID 3 FLAGS () MODSEQ (12))"]);
        Assert.Empty(model.Violations);
        model.Apply("n NOOP", ["* 1 FETCH (UID 3 FLAGS (\\Seen) MODSEQ (10))"]);
        Assert.Contains(model.Violations, v => v.Contains("went down"));
    }

    [Fact]
    public void Sessions_sharing_a_ledger_must_agree_on_immutable_items_and_recent()
    {
        var ledger = new MailboxLedger();
        var one = new ImapClientModel("one", ledger);
        var two = new ImapClientModel("two", ledger);
        foreach (var model in new[] { one, two }) model.Apply("s SELECT INBOX", ["* FLAGS (\\Seen)", "* 1 EXISTS"]);
        one.Apply("f FETCH 1 (UID RFC822.SIZE ENVELOPE)", ["* 1 FETCH (UID 3 RFC822.SIZE 120 ENVELOPE (NIL \"hi\" NIL NIL NIL NIL NIL NIL NIL NIL))"]);
        one.Apply("f FETCH 1 (FLAGS)", ["* 1 FETCH (FLAGS (\\Recent))"]);
        two.Apply("f FETCH 1 (UID RFC822.SIZE ENVELOPE)", ["* 1 FETCH (UID 3 RFC822.SIZE 120 ENVELOPE (NIL \"hi\" NIL NIL NIL NIL NIL NIL NIL NIL))"]);
        Assert.Empty(one.Violations.Concat(two.Violations));

        two.Apply("f FETCH 1 (UID RFC822.SIZE INTERNALDATE)", ["* 1 FETCH (UID 3 RFC822.SIZE 121 INTERNALDATE \"01-Jan-2026 00:00:00 +0000\")"]);
        two.Apply("f FETCH 1 (UID FLAGS)", ["* 1 FETCH (UID 3 FLAGS (\\Recent))"]);
        Assert.Contains(two.Violations, v => v.Contains("RFC822.SIZE changed: 120 → 121"));
        Assert.Contains(two.Violations, v => v.Contains("\\Recent here and in one"));
    }

    [Fact]
    public void With_qresync_vanished_removes_known_and_unlearned_messages_and_a_fetch_needs_its_uid()
    {
        var model = Selected(3, 5, 9);
        model.QResync = true;
        model.Apply("n NOOP", ["* 5 EXISTS", "* VANISHED 5,10", "* VANISHED 3"]); // 10: one of the two unlearned slots
        Assert.Empty(model.Violations);
        Assert.Equal([9u, 0u], model.Uids);

        model.Apply("f FETCH 1 (FLAGS)", ["* 1 FETCH (FLAGS ())"]);
        Assert.Contains(model.Violations, v => v.Contains("without UID"));
        model.Apply("n NOOP", ["* VANISHED 7"]);
        Assert.Contains(model.Violations, v => v.Contains("VANISHED UID 7"));
        model.Apply("s STORE 1 +FLAGS (\\Seen)", ["* VANISHED 9"]);
        Assert.Contains(model.Violations, v => v.Contains("RFC 7162"));
    }

    [Fact]
    public void Vanished_without_qresync_is_a_violation()
    {
        var model = Selected(3);
        model.Apply("n NOOP", ["* VANISHED 3"]);
        Assert.Contains(model.Violations, v => v.Contains("without QRESYNC"));
    }
}
