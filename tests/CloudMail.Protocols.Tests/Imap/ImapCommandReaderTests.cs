using System.Buffers;
using System.Text;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Protocols.Tests.Imap;

public class ImapCommandReaderTests
{
    private static List<ImapReadResult> Read(string input, ImapReaderLimits? limits = null)
    {
        var h = new ReaderHarness(limits);
        h.Push(Encoding.UTF8.GetBytes(input));
        return h.Results;
    }

    private static T Single<T>(string input) where T : ImapCommand
    {
        var results = Read(input);
        var ready = Assert.IsType<ImapCommandReady>(Assert.Single(results, r => r is not ImapContinuationNeeded));
        return Assert.IsType<T>(ready.Command);
    }

    [Fact]
    public void Login_with_quoted_strings_unescapes_them()
    {
        var login = Single<LoginCommand>("a1 LOGIN \"alice@example.test\" \"p\\\"w\\\\d\"\r\n");
        Assert.Equal(("a1", "alice@example.test", "p\"w\\d"), (login.Tag, login.UserName, login.Password));
    }

    [Theory]
    [InlineData("a+b NOOP\r\n")]
    [InlineData("a{1 NOOP\r\n")]
    [InlineData("a% NOOP\r\n")]
    [InlineData("a\"b NOOP\r\n")]
    [InlineData("* NOOP\r\n")]
    [InlineData("+ NOOP\r\n")]
    public void A_tag_with_a_character_a_tag_cannot_hold_is_answered_untagged(string line)
    {
        // RFC 3501 §9: tag = 1*<any ASTRING-CHAR except "+">; the reply must not carry a prefix of it ("a BAD") as a tag.
        var rejected = Assert.IsType<ImapRejected>(Assert.Single(Read(line)));
        Assert.Null(rejected.Tag);
        Assert.Equal(ImapStatus.Bad, rejected.Status);
    }

    [Fact]
    public void A_tag_alone_is_answered_with_that_tag()
    {
        var rejected = Assert.IsType<ImapRejected>(Assert.Single(Read("a1\r\n")));
        Assert.Equal("a1", rejected.Tag);
    }

    [Fact]
    public void Login_never_shows_the_password_in_its_text()
    {
        var login = Single<LoginCommand>("a1 LOGIN alice secret123\r\n");
        Assert.DoesNotContain("secret123", login.ToString());
    }

    [Fact]
    public void Synchronizing_literals_ask_for_a_continuation_each()
    {
        var results = Read("a LOGIN {5}\r\nalice {6}\r\nsecret\r\n");
        Assert.IsType<ImapContinuationNeeded>(results[0]);
        Assert.IsType<ImapContinuationNeeded>(results[1]);
        var login = Assert.IsType<LoginCommand>(Assert.IsType<ImapCommandReady>(results[2]).Command);
        Assert.Equal(("alice", "secret"), (login.UserName, login.Password));
    }

    [Fact]
    public void Non_synchronizing_literals_do_not_ask_for_a_continuation()
    {
        var results = Read("a LOGIN {5+}\r\nalice {6+}\r\nsecret\r\n");
        var login = Assert.IsType<LoginCommand>(Assert.IsType<ImapCommandReady>(Assert.Single(results)).Command);
        Assert.Equal("secret", login.Password);
    }

    [Fact]
    public void Continuation_is_reported_only_once_the_marker_line_is_complete()
    {
        var reader = new ImapCommandReader(ImapReaderLimits.Default);
        var part1 = new System.Buffers.ReadOnlySequence<byte>("a LOGIN {5}"u8.ToArray());
        Assert.IsType<ImapNeedMoreData>(reader.Read(ref part1));
        var part2 = new System.Buffers.ReadOnlySequence<byte>("\r\n"u8.ToArray());
        Assert.IsType<ImapContinuationNeeded>(reader.Read(ref part2));
        var part3 = new System.Buffers.ReadOnlySequence<byte>("alice x\r\n"u8.ToArray());
        Assert.IsType<ImapCommandReady>(reader.Read(ref part3));
    }

    [Fact]
    public void Append_message_literal_is_left_for_the_session_to_stream()
    {
        var reader = new ImapCommandReader(ImapReaderLimits.Default);
        var input = new System.Buffers.ReadOnlySequence<byte>(
            "a APPEND Sent (\\Seen $Label1) \" 5-Jun-2024 08:09:10 -0230\" {5}\r\nhello\r\n"u8.ToArray());
        var start = Assert.IsType<ImapAppendLiteralStarting>(reader.Read(ref input));
        Assert.Equal(("a", "Sent", 5L, true), (start.Tag, start.Mailbox, start.Size, start.Synchronizing));
        Assert.Equal(["\\Seen", "$Label1"], start.Flags);
        Assert.Equal(new DateTimeOffset(2024, 6, 5, 8, 9, 10, TimeSpan.FromMinutes(-150)), start.InternalDate);
        Assert.Equal("hello\r\n", Encoding.ASCII.GetString(input.ToArray()));
        input = input.Slice(5);
        reader.LiteralStreamed(5);
        var append = Assert.IsType<AppendCommand>(Assert.IsType<ImapCommandReady>(reader.Read(ref input)).Command);
        Assert.Equal(5, append.MessageSize);
    }

    [Fact]
    public void Append_message_as_literal8_is_streamed_like_a_literal()
    {
        var reader = new ImapCommandReader(ImapReaderLimits.Default);
        var input = new System.Buffers.ReadOnlySequence<byte>("a APPEND INBOX ~{5+}\r\nh\0llo\r\n"u8.ToArray());
        var start = Assert.IsType<ImapAppendLiteralStarting>(reader.Read(ref input));
        Assert.Equal(("INBOX", 5L, false), (start.Mailbox, start.Size, start.Synchronizing));
        input = input.Slice(5);
        reader.LiteralStreamed(5);
        Assert.IsType<AppendCommand>(Assert.IsType<ImapCommandReady>(reader.Read(ref input)).Command);
    }

    [Fact]
    public void Multiappend_streams_each_message_with_its_own_options_and_number()
    {
        var results = Read("m APPEND Sent (\\Seen) {5}\r\nfirst \" 3-Mar-2024 10:11:12 +0100\" {6+}\r\nsecond ({3}\r\nabc\r\n");
        var first = Assert.IsType<ImapAppendLiteralStarting>(results[0]);
        var second = Assert.IsType<ImapAppendLiteralStarting>(results[1]);
        Assert.Equal(("m", "Sent", 0, 5L, true), (first.Tag, first.Mailbox, first.Index, first.Size, first.Synchronizing));
        Assert.Equal(["\\Seen"], first.Flags);
        Assert.Equal(("m", "Sent", 1, 6L, false), (second.Tag, second.Mailbox, second.Index, second.Size, second.Synchronizing));
        Assert.Empty(second.Flags);
        Assert.Equal(new DateTimeOffset(2024, 3, 3, 10, 11, 12, TimeSpan.FromHours(1)), second.InternalDate);
        // "(" is not a flag list here: the command ends malformed after the second message.
        Assert.Equal(ImapStatus.Bad, Assert.IsType<ImapRejected>(results[^1]).Status);
    }

    [Fact]
    public void Multiappend_command_lists_every_message()
    {
        var results = Read("m APPEND INBOX {1+}\r\na (\\Flagged) {2+}\r\nbc {3+}\r\ndef\r\n");
        Assert.Equal([0, 1, 2], results.OfType<ImapAppendLiteralStarting>().Select(r => r.Index));
        var append = Assert.IsType<AppendCommand>(Assert.IsType<ImapCommandReady>(results[^1]).Command);
        Assert.Equal([1L, 2L, 3L], append.Messages.Select(m => m.Size));
        Assert.Equal(["\\Flagged"], append.Messages[1].Flags);
    }

    [Fact]
    public void Text_after_the_last_append_message_is_bad()
    {
        var results = Read("m APPEND INBOX {1+}\r\na junk\r\n");
        Assert.Equal(ImapStatus.Bad, Assert.IsType<ImapRejected>(results[^1]).Status);
    }

    [Fact]
    public void Literal8_anywhere_but_an_append_message_is_bad() =>
        Assert.Equal(ImapStatus.Bad, Assert.IsType<ImapRejected>(Read("a LOGIN ~{4+}\r\nuser pass\r\n")[^1]).Status);

    [Fact]
    public void Append_mailbox_given_as_literal_is_buffered_and_the_message_streamed()
    {
        var results = Read("a APPEND {5}\r\nDraft {3}\r\nabc\r\n");
        Assert.IsType<ImapContinuationNeeded>(results[0]);
        var start = Assert.IsType<ImapAppendLiteralStarting>(results[1]);
        Assert.Equal("Draft", start.Mailbox);
        Assert.IsType<AppendCommand>(Assert.IsType<ImapCommandReady>(results[2]).Command);
    }

    [Fact]
    public void Rejected_synchronizing_append_literal_leaves_the_next_command_intact()
    {
        var reader = new ImapCommandReader(ImapReaderLimits.Default);
        var input = new System.Buffers.ReadOnlySequence<byte>("a APPEND Nope {5}\r\nb NOOP\r\n"u8.ToArray());
        var start = Assert.IsType<ImapAppendLiteralStarting>(reader.Read(ref input));
        reader.RejectLiteral(start.Size, start.Synchronizing);
        var next = Assert.IsType<ImapCommandReady>(reader.Read(ref input));
        Assert.Equal("b", next.Command.Tag);
    }

    [Fact]
    public void Rejected_non_synchronizing_append_literal_is_skipped_silently()
    {
        var reader = new ImapCommandReader(ImapReaderLimits.Default);
        var input = new System.Buffers.ReadOnlySequence<byte>("a APPEND Nope {5+}\r\nb NOOP\r\nc NOOP\r\n"u8.ToArray());
        var start = Assert.IsType<ImapAppendLiteralStarting>(reader.Read(ref input));
        reader.RejectLiteral(start.Size, start.Synchronizing);
        var next = Assert.IsType<ImapCommandReady>(reader.Read(ref input));
        Assert.Equal("c", next.Command.Tag);
    }

    [Fact]
    public void Oversized_synchronizing_append_is_refused_with_TOOBIG_before_any_continuation()
    {
        var results = Read("a APPEND INBOX {2000000}\r\nb NOOP\r\n", new ImapReaderLimits(4096, 1_000_000));
        var reject = Assert.IsType<ImapRejected>(results[0]);
        Assert.Equal(("a", ImapStatus.No, ImapResponseCodes.TooBig, false), (reject.Tag, reject.Status, reject.Code, reject.CloseConnection));
        Assert.Equal("b", Assert.IsType<ImapCommandReady>(results[1]).Command.Tag);
    }

    [Fact]
    public void Oversized_non_synchronizing_literal_beyond_the_message_limit_closes_the_connection()
    {
        var results = Read("a APPEND INBOX {2000000+}\r\nxxxx", new ImapReaderLimits(4096, 1_000_000));
        var reject = Assert.IsType<ImapRejected>(Assert.Single(results));
        Assert.True(reject.CloseConnection);
    }

    [Fact]
    public void Large_literal_outside_append_is_read_and_discarded_then_refused()
    {
        var results = Read("a LOGIN {5000+}\r\n" + new string('x', 5000) + " pw\r\nb NOOP\r\n", new ImapReaderLimits(4096, 1_000_000));
        var reject = Assert.IsType<ImapRejected>(results[0]);
        Assert.Equal(("a", ImapStatus.Bad, ImapResponseCodes.TooBig), (reject.Tag, reject.Status, reject.Code));
        Assert.Equal("b", Assert.IsType<ImapCommandReady>(results[1]).Command.Tag);
    }

    [Fact]
    public void Too_long_line_is_refused_with_its_tag_and_the_next_command_still_works()
    {
        var results = Read("t7 NOOP " + new string('x', 10_000) + "\r\nt8 NOOP\r\n", new ImapReaderLimits(1024, 1_000_000));
        var reject = Assert.IsType<ImapRejected>(results[0]);
        Assert.Equal(("t7", ImapStatus.Bad), (reject.Tag, reject.Status));
        Assert.Equal("t8", Assert.IsType<ImapCommandReady>(results[1]).Command.Tag);
    }

    [Theory]
    [InlineData("* LOGIN a b\r\n", null)]
    [InlineData("\"x\" NOOP\r\n", null)]
    [InlineData("a1\r\n", "a1")]
    [InlineData("a1 FROBNICATE\r\n", "a1")]
    [InlineData("a1 FETCH 1 (BODY[FOO])\r\n", "a1")]
    [InlineData("a1 FETCH 0 FLAGS\r\n", "a1")]
    [InlineData("a1 SEARCH FROM\r\n", "a1")]
    [InlineData("a1 NOOP extra\r\n", "a1")]
    [InlineData("a1 SEARCH " + "NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT NOT ALL\r\n", "a1")]
    [InlineData("a1 STORE 1 FLAGZ (\\Seen)\r\n", "a1")]
    [InlineData("a1 APPEND INBOX \"hello\"\r\n", "a1")]
    public void Malformed_commands_are_rejected_with_BAD_and_the_tag_when_there_is_one(string input, string? tag)
    {
        var reject = Assert.IsType<ImapRejected>(Assert.Single(Read(input)));
        Assert.Equal(ImapStatus.Bad, reject.Status);
        Assert.Equal(tag, reject.Tag);
        Assert.False(reject.CloseConnection);
    }

    [Theory]
    [InlineData("a1 SELECT \"&Jjo\"\r\n")]
    [InlineData("a1 CREATE a&b\r\n")]
    [InlineData("a1 LIST \"\" a&b*\r\n")]
    [InlineData("a1 CREATE {3+}\r\na\u0001b\r\n")]
    public void Well_formed_mailbox_names_that_are_not_modified_utf7_get_NO(string input)
    {
        var reject = Assert.IsType<ImapRejected>(Assert.Single(Read(input)));
        Assert.Equal((ImapStatus.No, "a1"), (reject.Status, reject.Tag));
        Assert.False(reject.CloseConnection);
    }

    [Fact]
    public void Empty_lines_between_commands_are_ignored_and_bare_LF_ends_a_line()
    {
        var results = Read("\r\n\r\na NOOP\nb NOOP\r\n");
        Assert.Equal(["a", "b"], results.Select(r => Assert.IsType<ImapCommandReady>(r).Command.Tag));
    }

    [Fact]
    public void Empty_lines_do_not_use_up_the_command_length_budget()
    {
        var results = Read(string.Concat(Enumerable.Repeat("\r\n", 5000)) + "a NOOP\r\n", new ImapReaderLimits(1024, 1_000_000));
        Assert.Equal("a", Assert.IsType<ImapCommandReady>(Assert.Single(results)).Command.Tag);
    }

    [Fact]
    public void Fetch_items_sections_and_partials_are_parsed()
    {
        var fetch = Single<FetchCommand>("f UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (Subject From)]<10.20> BODY[1.2.MIME] BODY[2.TEXT] BODY[] BINARY[3]<0.5>) (CHANGEDSINCE 99)\r\n");
        Assert.True(fetch.Uid);
        Assert.Equal(99UL, fetch.ChangedSince);
        Assert.Equal(FetchItemKind.Flags, fetch.Items[0].Kind);
        var header = fetch.Items[1];
        Assert.Equal((FetchItemKind.BodySection, true, new FetchPartial(10, 20)), (header.Kind, header.Peek, header.Partial));
        Assert.Equal("HEADER.FIELDS (Subject From)", header.Section!.ToString());
        Assert.Equal("1.2.MIME", fetch.Items[2].Section!.ToString());
        Assert.Equal([2], fetch.Items[3].Section!.Part);
        Assert.Equal(SectionText.Text, fetch.Items[3].Section!.Text);
        Assert.Equal("", fetch.Items[4].Section!.ToString());
        Assert.True(fetch.Items[4].SetsSeen);
        Assert.Equal((FetchItemKind.Binary, "3"), (fetch.Items[5].Kind, fetch.Items[5].Section!.ToString()));
        Assert.Equal(SequenceRange.Star, fetch.Set.Ranges[0].Last);
    }

    [Theory]
    [InlineData("ALL", new[] { FetchItemKind.Flags, FetchItemKind.InternalDate, FetchItemKind.Rfc822Size, FetchItemKind.Envelope })]
    [InlineData("FAST", new[] { FetchItemKind.Flags, FetchItemKind.InternalDate, FetchItemKind.Rfc822Size })]
    [InlineData("FULL", new[] { FetchItemKind.Flags, FetchItemKind.InternalDate, FetchItemKind.Rfc822Size, FetchItemKind.Envelope, FetchItemKind.Body })]
    [InlineData("BODYSTRUCTURE", new[] { FetchItemKind.BodyStructure })]
    [InlineData("(RFC822 RFC822.HEADER RFC822.TEXT UID MODSEQ)", new[] { FetchItemKind.Rfc822, FetchItemKind.Rfc822Header, FetchItemKind.Rfc822Text, FetchItemKind.Uid, FetchItemKind.ModSeq })]
    public void Fetch_macros_expand_per_RFC_3501(string items, FetchItemKind[] expected)
    {
        var fetch = Single<FetchCommand>($"f FETCH 1 {items}\r\n");
        Assert.Equal(expected, fetch.Items.Select(i => i.Kind));
    }

    [Theory]
    [InlineData("1", 1u, 1u)]
    [InlineData("*", SequenceRange.Star, SequenceRange.Star)]
    [InlineData("5:2", 5u, 2u)]
    [InlineData("3:*", 3u, SequenceRange.Star)]
    [InlineData("10:4294967295", 10u, 4294967295u)]
    public void Sequence_ranges_keep_their_ends(string set, uint first, uint last)
    {
        var fetch = Single<FetchCommand>($"f FETCH {set} FLAGS\r\n");
        Assert.Equal(new SequenceRange(first, last), Assert.Single(fetch.Set.Ranges));
    }

    [Theory]
    [InlineData("a SEARCH RETURN (MIN MAX) FLAGGED\r\n", "MIN,MAX")]
    [InlineData("a SEARCH RETURN () ALL\r\n", "")]
    [InlineData("a SEARCH RETURN (save count) CHARSET UTF-8 ALL\r\n", "SAVE,COUNT")]
    public void Search_return_options_are_read(string input, string expected) =>
        Assert.Equal(expected, string.Join(',', Single<SearchCommand>(input).Return!));

    [Fact]
    public void Search_without_return_has_no_options() => Assert.Null(Single<SearchCommand>("a SEARCH ALL\r\n").Return);

    [Fact]
    public void Saved_search_result_dollar_is_recognized()
    {
        var fetch = Single<FetchCommand>("f FETCH $ FLAGS\r\n");
        Assert.True(fetch.Set.IsSaved);
    }

    [Fact]
    public void Search_keys_build_a_tree()
    {
        var search = Single<SearchCommand>("s UID SEARCH CHARSET UTF-8 OR FROM alice (NOT SEEN SUBJECT \"hi there\") SINCE 1-Feb-2024 SENTBEFORE \"2-Mar-2024\" UID 3:* 1,2 HEADER X-Tag \"\" LARGER 10 KEYWORD $Work MODSEQ 5\r\n");
        Assert.Equal(("UTF-8", true), (search.Charset, search.Uid));
        var and = Assert.IsType<SearchAnd>(search.Key);
        var or = Assert.IsType<SearchOr>(and.Keys[0]);
        Assert.Equal(new SearchHeader("From", "alice"), or.Left);
        var group = Assert.IsType<SearchAnd>(or.Right);
        Assert.Equal(new SearchNot(new SearchFlag("\\Seen", true)), group.Keys[0]);
        Assert.Equal(new SearchHeader("Subject", "hi there"), group.Keys[1]);
        Assert.Equal(new SearchDate(SearchDateField.Internal, SearchDateComparison.Since, new DateOnly(2024, 2, 1)), and.Keys[1]);
        Assert.Equal(new SearchDate(SearchDateField.Sent, SearchDateComparison.Before, new DateOnly(2024, 3, 2)), and.Keys[2]);
        Assert.True(Assert.IsType<SearchSet>(and.Keys[3]).Uid);
        Assert.False(Assert.IsType<SearchSet>(and.Keys[4]).Uid);
        Assert.Equal(new SearchHeader("X-Tag", ""), and.Keys[5]);
        Assert.Equal(new SearchSize(true, 10), and.Keys[6]);
        Assert.Equal(new SearchKeyword("$Work", true), and.Keys[7]);
        Assert.Equal(new SearchModSeq(5), and.Keys[8]);
    }

    [Theory]
    [InlineData("UNSEEN", "\\Seen", false)]
    [InlineData("ANSWERED", "\\Answered", true)]
    [InlineData("UNDELETED", "\\Deleted", false)]
    [InlineData("FLAGGED", "\\Flagged", true)]
    [InlineData("DRAFT", "\\Draft", true)]
    [InlineData("RECENT", "\\Recent", true)]
    public void Flag_search_keys_map_to_system_flags(string key, string flag, bool set)
    {
        var search = Single<SearchCommand>($"s SEARCH {key}\r\n");
        Assert.Equal(new SearchFlag(flag, set), search.Key);
    }

    [Fact]
    public void Search_string_may_be_a_literal_with_utf8()
    {
        byte[] word = Encoding.UTF8.GetBytes("Grüße");
        var search = Single<SearchCommand>($"s SEARCH CHARSET UTF-8 TEXT {{{word.Length}}}\r\nGrüße\r\n");
        Assert.Equal(new SearchText(false, "Grüße"), search.Key);
    }

    [Fact]
    public void Store_parses_mode_silent_flags_and_unchangedsince()
    {
        var store = Single<StoreCommand>("s UID STORE 1:3 (UNCHANGEDSINCE 7) -FLAGS.SILENT (\\seen $Forwarded)\r\n");
        Assert.Equal((true, StoreMode.Remove, true, 7UL), (store.Uid, store.Mode, store.Silent, store.UnchangedSince));
        Assert.Equal(["\\Seen", "$Forwarded"], store.Flags);
        var bare = Single<StoreCommand>("s STORE 2 FLAGS \\Deleted \\Flagged\r\n");
        Assert.Equal((StoreMode.Replace, false), (bare.Mode, bare.Silent));
        Assert.Equal(["\\Deleted", "\\Flagged"], bare.Flags);
    }

    [Fact]
    public void List_accepts_basic_and_extended_forms()
    {
        var basic = Single<ListCommand>("l LIST \"\" %\r\n");
        Assert.Equal(("", "%"), (basic.Reference, Assert.Single(basic.Patterns)));
        var extended = Single<ListCommand>("l LIST (SPECIAL-USE) \"\" (\"*\" Archive/%) RETURN (CHILDREN SUBSCRIBED)\r\n");
        Assert.Equal(["SPECIAL-USE"], extended.SelectionOptions);
        Assert.Equal(["*", "Archive/%"], extended.Patterns);
        Assert.Equal(["CHILDREN", "SUBSCRIBED"], extended.ReturnOptions);
        var lsub = Single<ListCommand>("l LSUB \"\" *\r\n");
        Assert.True(lsub.Lsub);
    }

    [Fact]
    public void Mailbox_names_are_decoded_from_modified_utf7()
    {
        var select = Single<SelectCommand>("s SELECT \"Entw&APw-rfe/&ZeVnLIqe-\" (CONDSTORE)\r\n");
        Assert.Equal(("Entwürfe/日本語", true, false), (select.Mailbox, select.CondStore, select.ReadOnly));
        Assert.True(Single<SelectCommand>("s EXAMINE INBOX\r\n").ReadOnly);
    }

    [Fact]
    public void Select_qresync_parameters_parse_with_and_without_known_uids_and_seq_match_data()
    {
        var full = Single<SelectCommand>("s SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1:5 41,43:46)))\r\n").QResync!;
        Assert.Equal((67890007u, 20050715194045000UL, "41,43:211,214:541", "1:5", "41,43:46"),
            (full.UidValidity, full.ModSeq, full.KnownUids!.ToString(), full.KnownSequences!.ToString(), full.KnownSequenceUids!.ToString()));
        var bare = Single<SelectCommand>("s EXAMINE INBOX (CONDSTORE QRESYNC (1 5))\r\n");
        Assert.Equal((true, 1u, 5UL, (object?)null), (bare.CondStore, bare.QResync!.UidValidity, bare.QResync.ModSeq, (object?)bare.QResync.KnownUids));
        var seqMatchOnly = Single<SelectCommand>("s SELECT INBOX (QRESYNC (1 5 (1:2 7,9)))\r\n").QResync!;
        Assert.Equal((null, "7,9"), (seqMatchOnly.KnownUids, seqMatchOnly.KnownSequenceUids!.ToString()));
    }

    [Theory]
    [InlineData("s SELECT INBOX (QRESYNC (0 5))\r\n")] // uidvalidity is nz-number
    [InlineData("s SELECT INBOX (QRESYNC (1 0))\r\n")] // mod-sequence-value must be positive
    [InlineData("s SELECT INBOX (QRESYNC (1 5) QRESYNC (1 5))\r\n")]
    [InlineData("s SELECT INBOX (QRESYNC 1 5)\r\n")]
    [InlineData("f FETCH 1:* FLAGS (CHANGEDSINCE 5 VANISHED)\r\n")] // VANISHED only in UID FETCH
    [InlineData("f UID FETCH 1:* FLAGS (VANISHED)\r\n")] // and only with CHANGEDSINCE
    public void Malformed_qresync_parameters_and_misplaced_vanished_are_bad(string input)
    {
        var rejected = Assert.IsType<ImapRejected>(Assert.Single(Read(input)));
        Assert.Equal(ImapStatus.Bad, rejected.Status);
    }

    [Fact]
    public void Uid_fetch_takes_vanished_with_changedsince()
    {
        var fetch = Single<FetchCommand>("f UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n");
        Assert.Equal((true, 12345UL, true), (fetch.Uid, fetch.ChangedSince, fetch.Vanished));
    }

    [Fact]
    public void Mailbox_names_sent_as_raw_8bit_octets_are_flagged_so_create_and_rename_can_refuse_them()
    {
        // RFC 3501 §5.1: mailbox names are 7-bit. mbsync 1.4 sends a local folder "Été" as raw UTF-8.
        var raw = Single<CreateCommand>("c CREATE \"Été\"\r\n");
        Assert.Equal(("Été", true), (raw.Mailbox, raw.EightBit));
        var encoded = Single<CreateCommand>("c CREATE \"&AMk-t&AOk-\"\r\n");
        Assert.Equal(("Été", false), (encoded.Mailbox, encoded.EightBit));
        Assert.True(Single<CreateCommand>("c CREATE {5}\r\nÉté\r\n").EightBit);
        var rename = Single<RenameCommand>("r RENAME \"Été\" \"&AMk-t&AOk-/x\"\r\n");
        Assert.Equal(("Été", "Été/x", false), (rename.From, rename.To, rename.ToEightBit));
        Assert.True(Single<RenameCommand>("r RENAME a \"Été\"\r\n").ToEightBit);
    }

    [Fact]
    public void Other_commands_parse_their_arguments()
    {
        Assert.Equal(["MESSAGES", "UNSEEN"], Single<StatusCommand>("s STATUS INBOX (messages unseen)\r\n").Items);
        var id = Single<IdCommand>("i ID (\"name\" \"mutt\" \"os\" NIL)\r\n");
        Assert.Equal([new("name", "mutt"), new KeyValuePair<string, string?>("os", null)], id.Parameters!);
        Assert.Null(Single<IdCommand>("i ID NIL\r\n").Parameters);
        Assert.Equal(["CONDSTORE"], Single<EnableCommand>("e ENABLE CONDSTORE\r\n").Capabilities);
        var auth = Single<AuthenticateCommand>("a AUTHENTICATE plain =\r\n");
        Assert.Equal(("PLAIN", ""), (auth.Mechanism, auth.InitialResponse));
        Assert.Null(Single<AuthenticateCommand>("a AUTHENTICATE PLAIN\r\n").InitialResponse);
        var move = Single<CopyCommand>("m UID MOVE 4,6:8 Trash\r\n");
        Assert.Equal(("UID MOVE", "Trash", "4,6:8"), (move.Name, move.Mailbox, move.Set.ToString()));
        Assert.Equal("1:5", Single<ExpungeCommand>("x UID EXPUNGE 1:5\r\n").UidSet!.ToString());
        var rename = Single<RenameCommand>("r RENAME a \"b c\"\r\n");
        Assert.Equal(("a", "b c"), (rename.From, rename.To));
        Assert.Equal(("CREATE", "x/y/"), (Single<CreateCommand>("c CREATE x/y/\r\n").Name, Single<CreateCommand>("c CREATE x/y/\r\n").Mailbox));
        Assert.Equal("IDLE", Single<SimpleCommand>("i idle\r\n").Name);
    }
}
