using System.Buffers;
using CloudMail.Protocols.Smtp;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Tests.Smtp;

public class SmtpCommandReaderTests
{
    /// <summary>RFC 5321 §4.5.3.1.4 for ordinary command lines.</summary>
    private const int MaxLine = 512;

    /// <summary>RFC 4954 §4 for AUTH command lines and SASL responses.</summary>
    private const int MaxAuthLine = 12_288;

    private static SmtpCommandReader NewReader() => new(MaxLine, MaxAuthLine);

    /// <summary>A 256-octet path (RFC 5321 §4.5.3.1.3: the longest allowed) with every MAIL parameter the server offers.</summary>
    private static readonly string LongestMailCommand = "MAIL FROM:<" + new string('a', 64) + "@" + new string('d', 60) + "." + new string('d', 60) + "."
        + new string('d', 59) + ".example> SIZE=00000000000036700160 BODY=8BITMIME SMTPUTF8 AUTH=<>\r\n";

    /// <summary>Every kind of line the reader meets: each command, with and without errors.</summary>
    public static TheoryData<string> Lines =>
    [
        "EHLO client.example.org\r\n",
        "ehlo [192.0.2.1]\r\n",
        "EHLO [IPv6:2001:db8::1]\r\n",
        "HELO my_pc.local\r\n",
        "HELO\r\n",
        "EHLO bad..name\r\n",
        "MAIL FROM:<alice@example.org>\r\n",
        "MAIL FROM:<> SIZE=100 BODY=8BITMIME\r\n",
        "mail from: <alice@example.org> size=12 smtputf8 auth=<>\r\n",
        "MAIL FROM:<j\u00f6rg@b\u00fccher.example> SMTPUTF8\r\n",
        "MAIL FROM:<\"john doe\"@example.org>\r\n",
        "MAIL FROM:<@relay.example,@other.example:alice@example.org>\r\n",
        "MAIL FROM:<alice@[192.0.2.1]>\r\n",
        "MAIL FROM:alice@example.org\r\n",
        "MAIL FROM:<alice@example.org> SIZE=abc\r\n",
        "MAIL FROM:<alice@example.org> RET=HDRS\r\n",
        "MAIL FROM:<alice@example.org> BODY=BINARYMIME\r\n",
        "MAIL TO:<alice@example.org>\r\n",
        "RCPT TO:<bob@example.test>\r\n",
        "RCPT TO:<Postmaster>\r\n",
        "RCPT TO:<bob@example.test> NOTIFY=NEVER\r\n",
        "RCPT TO:<bob@@example.test>\r\n",
        "RCPT TO:<>\r\n",
        "DATA\r\n",
        "DATA now\r\n",
        "BDAT 1000\r\n",
        "BDAT 0 LAST\r\n",
        "BDAT x\r\n",
        "RSET\r\n",
        "NOOP anything at all\r\n",
        "QUIT\r\n",
        "VRFY bob\r\n",
        "EXPN staff\r\n",
        "HELP\r\n",
        "STARTTLS\r\n",
        "STARTTLS now\r\n",
        "AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n",
        "AUTH LOGIN\r\n",
        "AUTH\r\n",
        "FOO bar\r\n",
        "\r\n",
        "NOOP\n",
        "MAIL FROM:<a@b.c>\0\r\n",
        "NOOP \u0001\r\n",
        "AUTH PLAIN " + new string('A', 5000) + "\r\n",
        "auth plain " + new string('A', 5000) + "\r\n",
        LongestMailCommand,
    ];

    [Theory]
    [MemberData(nameof(Lines))]
    public void Every_command_split_at_every_byte_boundary_gives_the_same_result(string line)
    {
        byte[] bytes = Segments.Bytes(line);
        string expected = Describe(ParseWhole(bytes, out long rest));
        Assert.Equal(0, rest);

        for (int at = 1; at < bytes.Length; at++)
        {
            // The first part alone is incomplete: nothing is consumed and nothing is decided.
            var reader = NewReader();
            var first = Segments.Of(bytes[..at]);
            Assert.Equal(SmtpParseStatus.NeedMoreData, reader.Read(ref first).Status);
            Assert.Equal(at, first.Length);

            // Then the whole line arrives in two segments.
            var both = Segments.SplitAt(bytes, at);
            Assert.Equal(expected, Describe(reader.Read(ref both)));
            Assert.Equal(0, both.Length);
        }

        var single = Segments.BytePerSegment(bytes);
        Assert.Equal(expected, Describe(NewReader().Read(ref single)));
        Assert.Equal(0, single.Length);
    }

    [Fact]
    public void Pipelined_commands_in_one_buffer_come_out_one_by_one_in_order()
    {
        var reader = NewReader();
        var buffer = Segments.Of(Segments.Bytes("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nNOO"));
        Assert.IsType<MailCommand>(reader.Read(ref buffer).Command);
        Assert.IsType<RcptCommand>(reader.Read(ref buffer).Command);
        Assert.IsType<DataCommand>(reader.Read(ref buffer).Command);
        Assert.Equal(SmtpParseStatus.NeedMoreData, reader.Read(ref buffer).Status);
        Assert.Equal("NOO", Segments.Text(buffer));
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_rejected_with_500_once_and_the_next_command_is_read()
    {
        var reader = NewReader();
        var buffer = Segments.Of(Segments.Bytes("NOOP " + new string('x', MaxLine) + "\r\nQUIT\r\n"));
        var result = reader.Read(ref buffer);
        Assert.Equal(SmtpParseStatus.Reject, result.Status);
        Assert.Equal("500 5.5.6 Line too long", result.Reply!.ToString());
        Assert.IsType<QuitCommand>(reader.Read(ref buffer).Command);
    }

    [Fact]
    public void An_over_long_line_is_dropped_as_it_arrives_without_being_buffered()
    {
        var reader = NewReader();
        var junk = Segments.Bytes(new string('x', 4096));
        for (int i = 0; i < 50; i++)
        {
            var piece = Segments.Of(junk);
            Assert.Equal(SmtpParseStatus.NeedMoreData, reader.Read(ref piece).Status);
            Assert.Equal(0, piece.Length); // consumed: the caller keeps nothing
        }
        var end = Segments.Of(Segments.Bytes("xx\r\nNOOP\r\n"));
        Assert.Equal(SmtpReplies.LineTooLong, reader.Read(ref end).Reply);
        Assert.IsType<NoopCommand>(reader.Read(ref end).Command);
    }

    [Theory]
    [InlineData("MAIL FROM:<")]
    [InlineData("NOOP ")]
    [InlineData("AUTHX ")]
    [InlineData("AUT")]
    public void A_600_octet_ordinary_line_split_at_every_byte_boundary_is_refused_as_too_long(string start)
    {
        byte[] bytes = Segments.Bytes(start + new string('a', 600 - start.Length - 2) + "\r\n");
        Assert.Equal(600, bytes.Length);
        byte[] next = Segments.Bytes("QUIT\r\n");
        for (int at = 1; at < bytes.Length; at++)
        {
            var reader = NewReader();
            var first = Segments.Of(bytes[..at]);
            Assert.Equal(SmtpParseStatus.NeedMoreData, reader.Read(ref first).Status);
            // Past the 512-octet limit the line is dropped as it arrives: the caller keeps nothing.
            Assert.Equal(at >= MaxLine ? 0 : at, first.Length);
            var rest = at >= MaxLine ? Segments.Of(bytes[at..], next) : Segments.Of(bytes[..at], bytes[at..], next);
            Assert.Equal(SmtpReplies.LineTooLong, reader.Read(ref rest).Reply);
            Assert.IsType<QuitCommand>(reader.Read(ref rest).Command);
        }
    }

    [Fact]
    public void The_longest_mail_command_with_every_offered_parameter_fits_in_512_octets()
    {
        Assert.Equal(256, LongestMailCommand.IndexOf('>') - LongestMailCommand.IndexOf('<') + 1);
        Assert.True(LongestMailCommand.Length <= MaxLine);
        var buffer = Segments.Of(Segments.Bytes(LongestMailCommand));
        var result = NewReader().Read(ref buffer);
        Assert.Null(result.Reply);
        var mail = Assert.IsType<MailCommand>(result.Command);
        Assert.True(mail.SmtpUtf8);
    }

    [Fact]
    public void An_auth_line_may_use_the_auth_limit_and_is_dropped_beyond_it()
    {
        string prefix = "AUTH PLAIN ";
        string fits = prefix + new string('A', MaxAuthLine - prefix.Length - 2) + "\r\n";
        var ok = Segments.BytePerSegment(Segments.Bytes(fits));
        Assert.Equal(new string('A', MaxAuthLine - prefix.Length - 2), Assert.IsType<AuthCommand>(NewReader().Read(ref ok).Command).InitialResponse);

        var reader = NewReader();
        var tooLong = Segments.Of(Segments.Bytes(prefix + new string('A', MaxAuthLine - prefix.Length - 1) + "\r\nQUIT\r\n"));
        Assert.Equal(SmtpReplies.LineTooLong, reader.Read(ref tooLong).Reply);
        Assert.IsType<QuitCommand>(reader.Read(ref tooLong).Command);
    }

    [Fact]
    public void A_line_of_exactly_the_limit_is_accepted_and_one_more_octet_is_not()
    {
        string arg = new string('y', MaxLine - "NOOP \r\n".Length);
        var ok = Segments.Of(Segments.Bytes("NOOP " + arg + "\r\n"));
        Assert.IsType<NoopCommand>(NewReader().Read(ref ok).Command);
        var tooLong = Segments.Of(Segments.Bytes("NOOP " + arg + "y\r\n"));
        Assert.Equal(SmtpReplies.LineTooLong, NewReader().Read(ref tooLong).Reply);
    }

    [Fact]
    public void Sasl_response_lines_are_read_as_text_with_the_auth_cap()
    {
        var reader = NewReader();
        string longResponse = new string('B', 5000);
        var buffer = Segments.Of(Segments.Bytes("dXNlcg==\r\n*\r\n" + longResponse + "\r\n" + new string('A', MaxAuthLine) + "\r\n\u0001\r\n"));
        Assert.Equal(SmtpLineStatus.Line, reader.ReadText(ref buffer, out string? a));
        Assert.Equal("dXNlcg==", a);
        Assert.Equal(SmtpLineStatus.Line, reader.ReadText(ref buffer, out string? b));
        Assert.Equal("*", b);
        Assert.Equal(SmtpLineStatus.Line, reader.ReadText(ref buffer, out string? c));
        Assert.Equal(longResponse, c);
        Assert.Equal(SmtpLineStatus.TooLong, reader.ReadText(ref buffer, out _));
        Assert.Equal(SmtpLineStatus.Line, reader.ReadText(ref buffer, out string? control));
        Assert.Null(control);
    }

    [Fact]
    public void Invalid_utf8_in_a_command_is_rejected_not_thrown()
    {
        var buffer = Segments.Of([.. Segments.Bytes("HELO "), 0xff, 0xfe, (byte)'\r', (byte)'\n']);
        Assert.Equal(SmtpReplies.InvalidCharacters, NewReader().Read(ref buffer).Reply);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(5321);
        var reader = NewReader();
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            var buffer = Segments.Of(bytes);
            while (reader.Read(ref buffer).Status != SmtpParseStatus.NeedMoreData) { }
        }
    }

    private static SmtpParseResult ParseWhole(byte[] bytes, out long rest)
    {
        var buffer = Segments.Of(bytes);
        var result = NewReader().Read(ref buffer);
        rest = buffer.Length;
        return result;
    }

    private static string Describe(SmtpParseResult r) => $"{r.Status} {r.Command} {r.Reply} {r.CloseAfterReply}";
}
