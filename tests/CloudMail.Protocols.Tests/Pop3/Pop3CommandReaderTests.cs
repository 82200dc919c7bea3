using System.Text;
using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;

namespace CloudMail.Protocols.Tests.Pop3;

using Outcome = Pop3ParseOutcome<Pop3Command>;

public sealed class Pop3CommandReaderTests
{
    private static Outcome Single(string line)
    {
        var outcomes = Pop3Feeder.Whole(Encoding.UTF8.GetBytes(line));
        return Assert.Single(outcomes);
    }

    private static T Parsed<T>(string line) where T : Pop3Command =>
        Assert.IsType<T>(Assert.IsType<Outcome.Parsed>(Single(line)).Value);

    private static string Rejected(string line) => Assert.IsType<Outcome.Reject>(Single(line)).Reply;

    // Valid and invalid lines of every command, with CRLF, bare LF, UTF-8 and control characters.
    public static readonly TheoryData<string> EveryCommand = new()
    {
        "CAPA\r\n", "capa\r\n", "USER alice@example.test\r\n", "USER j\u00f6rg@example.test\r\n", "USER\r\n", "USER a b\r\n",
        "PASS secret with  spaces \r\n", "PASS\r\n", "PASS \r\n", "AUTH\r\n", "AUTH PLAIN\r\n",
        "AUTH plain AGFsaWNlAHNlY3JldA==\r\n", "AUTH PLAIN =\r\n", "AUTH PLAIN a b\r\n", "STLS\r\n", "STLS now\r\n",
        "STAT\r\n", "STAT \r\n", "LIST\r\n", "LIST 3\r\n", "LIST x\r\n", "LIST  1\r\n", "UIDL\r\n", "UIDL 12\r\n",
        "RETR 1\r\n", "RETR\r\n", "RETR 1 2\r\n", "RETR -1\r\n", "RETR 99999999999999999999\r\n", "TOP 1 10\r\n", "TOP 1\r\n",
        "TOP 1 x\r\n", "DELE 2\r\n", "RSET\r\n", "NOOP\r\n", "QUIT\r\n", "quit\n", "XYZZY\r\n", "\r\n", "NO\r\n",
        "NOOP\0\r\n", "LIST\t1\r\n", "RETR 1\rX\r\n", "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n",
    };

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public void Every_command_gives_the_same_outcome_when_split_at_every_byte_boundary(string line)
    {
        byte[] input = Encoding.UTF8.GetBytes(line);
        var whole = Pop3Feeder.Whole(input);
        Assert.Single(whole);
        for (int at = 0; at <= input.Length; at++)
            Assert.Equal(whole, Pop3Feeder.SplitAt(input, at));
        Assert.Equal(whole, Pop3Feeder.ByteByByte(input));
    }

    [Fact]
    public void Pipelined_commands_come_out_in_order_at_every_split()
    {
        byte[] input = "USER bob@example.test\r\nPASS pw 1\r\nSTAT\r\nLIST\r\nRETR 1\r\nTOP 1 0\r\nBOGUS\r\nQUIT\r\n"u8.ToArray();
        var whole = Pop3Feeder.Whole(input);
        Assert.Equal(8, whole.Count);
        Assert.Equal(new UserCommand("bob@example.test"), Assert.IsType<Outcome.Parsed>(whole[0]).Value);
        Assert.Equal(new TopCommand(1, 0), Assert.IsType<Outcome.Parsed>(whole[5]).Value);
        Assert.Equal(Pop3Replies.UnknownCommand, Assert.IsType<Outcome.Reject>(whole[6]).Reply);
        Assert.Equal(QuitCommand.Instance, Assert.IsType<Outcome.Parsed>(whole[7]).Value);
        for (int at = 0; at <= input.Length; at++)
            Assert.Equal(whole, Pop3Feeder.SplitAt(input, at));
        Assert.Equal(whole, Pop3Feeder.ByteByByte(input));
    }

    [Fact]
    public void Incomplete_line_needs_more_data_and_consumes_nothing()
    {
        var feeder = new Pop3Feeder().Feed("RETR 1");
        Assert.Empty(feeder.Outcomes);
        Assert.Equal(6, feeder.Buffered);
        feeder.Feed("\r");
        Assert.Empty(feeder.Outcomes);
        feeder.Feed("\n");
        Assert.Equal(new RetrCommand(1), Assert.IsType<Outcome.Parsed>(Assert.Single(feeder.Outcomes)).Value);
        Assert.Equal(0, feeder.Buffered);
    }

    [Fact]
    public void Keywords_are_case_insensitive()
    {
        Assert.Equal(new RetrCommand(7), Parsed<RetrCommand>("rEtR 7\r\n"));
        Assert.Equal(StatCommand.Instance, Parsed<StatCommand>("stat\r\n"));
    }

    [Fact]
    public void Bare_lf_ends_a_line_too()
    {
        Assert.Equal(new DeleCommand(3), Parsed<DeleCommand>("DELE 3\n"));
    }

    [Fact]
    public void List_and_uidl_take_an_optional_message_number()
    {
        Assert.Equal(new ListCommand(null), Parsed<ListCommand>("LIST\r\n"));
        Assert.Equal(new ListCommand(2), Parsed<ListCommand>("LIST 2\r\n"));
        Assert.Equal(new UidlCommand(null), Parsed<UidlCommand>("UIDL\r\n"));
        Assert.Equal(new UidlCommand(12), Parsed<UidlCommand>("UIDL 012\r\n"));
    }

    [Fact]
    public void Top_takes_a_message_number_and_a_line_count()
    {
        Assert.Equal(new TopCommand(1, 10), Parsed<TopCommand>("TOP 1 10\r\n"));
        Assert.Equal(Pop3Replies.Syntax("TOP msg n"), Rejected("TOP 1\r\n"));
        Assert.Equal(Pop3Replies.Syntax("TOP msg n"), Rejected("TOP 1 -2\r\n"));
    }

    [Fact]
    public void Pass_keeps_every_space_of_the_password()
    {
        Assert.Equal(" two  spaces ", Parsed<PassCommand>("PASS  two  spaces \r\n").Password);
        Assert.Equal("p\u00e4ss", Parsed<PassCommand>("PASS p\u00e4ss\r\n").Password);
    }

    [Fact]
    public void Pass_and_auth_never_show_secrets_when_printed()
    {
        var pass = Parsed<PassCommand>("PASS hunter2hunter2\r\n");
        Assert.DoesNotContain("hunter2", pass.ToString());
        var auth = Parsed<AuthCommand>("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
        Assert.DoesNotContain("AGFsaWNl", auth.ToString());
    }

    [Fact]
    public void Auth_parses_mechanism_and_initial_response()
    {
        Assert.Equal(new AuthCommand(null, null), Parsed<AuthCommand>("AUTH\r\n"));
        Assert.Equal(new AuthCommand("PLAIN", null), Parsed<AuthCommand>("auth plain\r\n"));
        Assert.Equal(new AuthCommand("PLAIN", "AGFsaWNlAHNlY3JldA=="), Parsed<AuthCommand>("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"));
    }

    [Fact]
    public void Auth_with_an_equals_sign_is_an_empty_initial_response()
    {
        Assert.Equal(new AuthCommand("PLAIN", ""), Parsed<AuthCommand>("AUTH PLAIN =\r\n"));
    }

    [Theory]
    [InlineData("XYZZY\r\n")]
    [InlineData("AP\r\n")]
    [InlineData("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n")]
    [InlineData("\r\n")]
    [InlineData(" STAT\r\n")]
    public void Unknown_or_unimplemented_keyword_is_rejected(string line)
    {
        Assert.Equal(Pop3Replies.UnknownCommand, Rejected(line));
    }

    [Theory]
    [InlineData("RETR\r\n", "RETR msg")]
    [InlineData("RETR x\r\n", "RETR msg")]
    [InlineData("RETR 1 2\r\n", "RETR msg")]
    [InlineData("DELE\r\n", "DELE msg")]
    [InlineData("LIST  1\r\n", "LIST [msg]")]
    [InlineData("UIDL a\r\n", "UIDL [msg]")]
    [InlineData("STAT 1\r\n", "STAT")]
    [InlineData("QUIT now\r\n", "QUIT")]
    [InlineData("USER\r\n", "USER name")]
    [InlineData("USER a b\r\n", "USER name")]
    [InlineData("PASS\r\n", "PASS string")]
    [InlineData("AUTH PLAIN a b\r\n", "AUTH mechanism [initial-response]")]
    public void Wrong_arguments_get_a_syntax_error(string line, string usage)
    {
        Assert.Equal(Pop3Replies.Syntax(usage), Rejected(line));
    }

    [Fact]
    public void Trailing_spaces_are_forgiven_except_in_pass()
    {
        Assert.Equal(StatCommand.Instance, Parsed<StatCommand>("STAT  \r\n"));
        Assert.Equal(new RetrCommand(4), Parsed<RetrCommand>("RETR 4 \r\n"));
        Assert.Equal("pw ", Parsed<PassCommand>("PASS pw \r\n").Password);
    }

    [Fact]
    public void Huge_message_numbers_saturate_instead_of_overflowing()
    {
        Assert.Equal(new RetrCommand(int.MaxValue), Parsed<RetrCommand>("RETR 99999999999999999999\r\n"));
    }

    [Theory]
    [InlineData("NOOP\0\r\n")]
    [InlineData("LIST\t1\r\n")]
    [InlineData("RETR 1\rX\r\n")]
    [InlineData("PASS a\u007fb\r\n")]
    public void Control_characters_are_rejected(string line)
    {
        Assert.Equal(Pop3Replies.InvalidCharacters, Rejected(line));
    }

    [Fact]
    public void Invalid_utf8_in_a_password_is_rejected()
    {
        var outcome = Assert.Single(Pop3Feeder.Whole([.. "PASS "u8, 0xC3, 0x28, (byte)'\r', (byte)'\n']));
        Assert.Equal(Pop3Replies.InvalidCharacters, Assert.IsType<Outcome.Reject>(outcome).Reply);
    }

    [Fact]
    public void A_line_of_255_octets_with_crlf_is_accepted_and_256_is_rejected()
    {
        string fits = "PASS " + new string('x', 255 - 5 - 2) + "\r\n";
        Assert.Equal(255, fits.Length);
        Assert.Equal(248, Parsed<PassCommand>(fits).Password.Length);
        string tooLong = "PASS " + new string('x', 256 - 5 - 2) + "\r\n";
        Assert.Equal(Pop3Replies.LineTooLong, Rejected(tooLong));
    }

    [Fact]
    public void Over_long_line_is_rejected_once_and_the_next_command_parses_at_every_split()
    {
        byte[] input = Encoding.ASCII.GetBytes("NOOP " + new string('y', 1000) + "\r\nSTAT\r\n");
        var whole = Pop3Feeder.Whole(input);
        Assert.Equal(2, whole.Count);
        Assert.Equal(Pop3Replies.LineTooLong, Assert.IsType<Outcome.Reject>(whole[0]).Reply);
        Assert.Equal(StatCommand.Instance, Assert.IsType<Outcome.Parsed>(whole[1]).Value);
        for (int at = 0; at <= input.Length; at++)
            Assert.Equal(whole, Pop3Feeder.SplitAt(input, at));
        Assert.Equal(whole, Pop3Feeder.ByteByByte(input));
    }

    [Fact]
    public void Endless_line_without_lf_is_not_buffered()
    {
        var feeder = new Pop3Feeder();
        byte[] junk = Encoding.ASCII.GetBytes(new string('z', 4096));
        for (int i = 0; i < 256; i++) feeder.Feed(junk); // 1 MiB without a line end
        Assert.Empty(feeder.Outcomes);
        Assert.True(feeder.Buffered < Pop3CommandReader.MaxCommandLength);
        feeder.Feed("\r\nNOOP\r\n");
        Assert.Equal(2, feeder.Outcomes.Count);
        Assert.IsType<Outcome.Reject>(feeder.Outcomes[0]);
        Assert.Equal(NoopCommand.Instance, Assert.IsType<Outcome.Parsed>(feeder.Outcomes[1]).Value);
    }

    [Fact]
    public void Sasl_response_lines_have_their_own_cap()
    {
        var reader = new Pop3CommandReader();
        var buffer = new System.Buffers.ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('A', 400) + "\r\n*\r\n"));
        var first = reader.ReadSaslResponse(ref buffer, 1024);
        Assert.Equal(new string('A', 400), Assert.IsType<Pop3ParseOutcome<string>.Parsed>(first).Value);
        Assert.Equal("*", Assert.IsType<Pop3ParseOutcome<string>.Parsed>(reader.ReadSaslResponse(ref buffer, 1024)).Value);

        var longBuffer = new System.Buffers.ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('A', 2000) + "\r\n"));
        Assert.Equal(Pop3Replies.SaslResponseTooLong,
            Assert.IsType<Pop3ParseOutcome<string>.Reject>(reader.ReadSaslResponse(ref longBuffer, 1024)).Reply);
        Assert.Equal(0, longBuffer.Length);
    }

    [Fact]
    public void Empty_sasl_response_line_is_an_empty_response()
    {
        var reader = new Pop3CommandReader();
        var buffer = new System.Buffers.ReadOnlySequence<byte>("\r\n"u8.ToArray());
        Assert.Equal("", Assert.IsType<Pop3ParseOutcome<string>.Parsed>(reader.ReadSaslResponse(ref buffer, 1024)).Value);
    }
}
