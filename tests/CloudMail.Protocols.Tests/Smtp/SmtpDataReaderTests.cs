using System.Buffers;
using System.Text;
using CloudMail.Protocols.Smtp.Data;

namespace CloudMail.Protocols.Tests.Smtp;

public class SmtpDataReaderTests
{
    /// <summary>Input after "354", the content stored, and what follows the end of data.</summary>
    public static TheoryData<string, string, string> Bodies => new()
    {
        { "Subject: hi\r\n\r\nHello\r\n.\r\nQUIT\r\n", "Subject: hi\r\n\r\nHello\r\n", "QUIT\r\n" },
        { ".\r\n", "", "" },
        { "\r\n.\r\n", "\r\n", "" },
        // Dot-stuffing (RFC 5321 §4.5.2): a leading dot is removed from any line that is not just ".".
        { "..\r\n...\r\n..x\r\n.\r\n", ".\r\n..\r\n.x\r\n", "" },
        { "a.\r\n.b\r\n.\r\nNOOP", "a.\r\n" + "b\r\n", "NOOP" },
        // SMTP smuggling sequences: none of them ends the data; what follows is message text.
        { "A\n.\nMAIL FROM:<x@evil.example>\r\n.\r\nNOOP\r\n", "A\r\n.\r\nMAIL FROM:<x@evil.example>\r\n", "NOOP\r\n" },
        { "A\r.\rMAIL FROM:<x@evil.example>\r\n.\r\nNOOP\r\n", "A\r\n.\r\nMAIL FROM:<x@evil.example>\r\n", "NOOP\r\n" },
        { "A\n.\r\nMAIL FROM:<x@evil.example>\r\n.\r\nNOOP\r\n", "A\r\n.\r\nMAIL FROM:<x@evil.example>\r\n", "NOOP\r\n" },
        { "A\r.\r\nMAIL FROM:<x@evil.example>\r\n.\r\nNOOP\r\n", "A\r\n.\r\nMAIL FROM:<x@evil.example>\r\n", "NOOP\r\n" },
        { "A\r\n.\nMAIL FROM:<x@evil.example>\r\n.\r\nNOOP\r\n", "A\r\n\r\nMAIL FROM:<x@evil.example>\r\n", "NOOP\r\n" },
        { "A\r\n.\rMAIL FROM:<x@evil.example>\r\n.\r\nNOOP\r\n", "A\r\n\r\nMAIL FROM:<x@evil.example>\r\n", "NOOP\r\n" },
        // Bare CR and LF are normalized to CRLF in the stored content.
        { "one\ntwo\rthree\r\r\n.\r\n", "one\r\ntwo\r\nthree\r\n\r\n", "" },
        { "\n.\r\n.\r\n", "\r\n.\r\n", "" },
        { "8bit: \u00e9\u00e8\r\n.\r\n", "8bit: \u00e9\u00e8\r\n", "" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Whole_input_gives_the_content_and_leaves_what_follows(string input, string content, string rest)
    {
        var (stored, remaining, complete) = Feed([Encoding.UTF8.GetBytes(input)]);
        Assert.True(complete);
        Assert.Equal(content, stored);
        Assert.Equal(rest, remaining);
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Input_split_at_every_point_gives_the_same_result(string input, string content, string rest)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(input);
        for (int at = 0; at <= bytes.Length; at++)
        {
            var (stored, remaining, complete) = Feed([bytes[..at], bytes[at..]]);
            Assert.True(complete, $"split at {at}");
            Assert.Equal(content, stored);
            Assert.Equal(rest, remaining);

            // The same split given as one two-segment sequence (one PipeReader buffer).
            var reader = new SmtpDataReader();
            var output = new ArrayBufferWriter<byte>();
            var sequence = Segments.SplitAt(bytes, at);
            Assert.True(reader.Read(ref sequence, output));
            Assert.Equal(content, Encoding.UTF8.GetString(output.WrittenSpan));
            Assert.Equal(rest, Segments.Text(sequence));
        }
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Input_fed_one_byte_per_read_gives_the_same_result(string input, string content, string rest)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(input);
        var (stored, remaining, complete) = Feed([.. bytes.Select(b => new[] { b })]);
        Assert.True(complete);
        Assert.Equal(content, stored);
        Assert.Equal(rest, remaining);

        var sequence = Segments.BytePerSegment(bytes);
        var output = new ArrayBufferWriter<byte>();
        Assert.True(new SmtpDataReader().Read(ref sequence, output));
        Assert.Equal(content, Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Without_the_end_marker_everything_is_consumed_and_nothing_ends()
    {
        foreach (string almost in new[] { "text\r\n.", "text\r\n.\r", "text\n.\n", "text\r.\r", ".x\r\n", "text\r\n..\r\n" })
        {
            var reader = new SmtpDataReader();
            var buffer = Segments.Of(Encoding.UTF8.GetBytes(almost));
            Assert.False(reader.Read(ref buffer, new ArrayBufferWriter<byte>()), almost);
            Assert.Equal(0, buffer.Length);
            Assert.False(reader.IsComplete);
        }
    }

    [Fact]
    public void A_null_output_skips_content_but_still_finds_the_end()
    {
        var reader = new SmtpDataReader();
        var buffer = Segments.Of(Encoding.UTF8.GetBytes(new string('x', 100_000) + "\r\n.\r\nRSET\r\n"));
        Assert.True(reader.Read(ref buffer, null));
        Assert.Equal("RSET\r\n", Segments.Text(buffer));
    }

    [Fact]
    public void Random_split_points_and_random_content_agree_with_a_single_read()
    {
        var random = new Random(2023_51764);
        byte[] alphabet = "ab.\r\n"u8.ToArray();
        for (int round = 0; round < 500; round++)
        {
            var body = new byte[random.Next(1, 60)];
            for (int i = 0; i < body.Length; i++) body[i] = alphabet[random.Next(alphabet.Length)];
            byte[] input = [.. body, .. "\r\n.\r\nZ"u8];
            var whole = Feed([input]);
            Assert.True(whole.Complete);
            var parts = new List<byte[]>();
            int pos = 0;
            while (pos < input.Length)
            {
                int n = random.Next(1, 6);
                n = Math.Min(n, input.Length - pos);
                parts.Add(input[pos..(pos + n)]);
                pos += n;
            }
            Assert.Equal(whole, Feed(parts));
        }
    }

    /// <summary>Feeds each part as a separate read, like separate network packets, stopping at the end of data.</summary>
    private static (string Content, string Remaining, bool Complete) Feed(IEnumerable<byte[]> parts)
    {
        var reader = new SmtpDataReader();
        var output = new ArrayBufferWriter<byte>();
        var rest = new List<byte>();
        foreach (var part in parts)
        {
            if (reader.IsComplete)
            {
                rest.AddRange(part);
                continue;
            }
            var buffer = Segments.Of(part);
            if (reader.Read(ref buffer, output)) rest.AddRange(buffer.ToArray());
        }
        return (Encoding.UTF8.GetString(output.WrittenSpan), Encoding.UTF8.GetString(rest.ToArray()), reader.IsComplete);
    }
}
