using System.Buffers;
using System.Text;
using CloudMail.Protocols.Pop3;

namespace CloudMail.Protocols.Tests.Pop3;

public sealed class Pop3MessageEncoderTests
{
    private static byte[] Encode(byte[] message, int bodyLines = -1, int chunk = int.MaxValue)
    {
        var output = new ArrayBufferWriter<byte>();
        var encoder = new Pop3MessageEncoder(bodyLines);
        for (int i = 0; i < message.Length && !encoder.IsFinished; i += chunk)
            encoder.Write(message.AsSpan(i, Math.Min(chunk, message.Length - i)), output);
        encoder.Complete(output);
        return output.WrittenSpan.ToArray();
    }

    private static string EncodeText(string message, int bodyLines = -1) =>
        Encoding.Latin1.GetString(Encode(Encoding.Latin1.GetBytes(message), bodyLines));

    /// <summary>What a client does with a multi-line response: strip the terminator, undo byte-stuffing.</summary>
    private static byte[] Unstuff(byte[] wire)
    {
        Assert.True(wire.AsSpan().EndsWith(".\r\n"u8));
        var body = wire.AsSpan(0, wire.Length - 3);
        var result = new List<byte>(body.Length);
        bool lineStart = true;
        for (int i = 0; i < body.Length; i++)
        {
            if (lineStart && body[i] == (byte)'.')
            {
                Assert.True(i + 1 < body.Length && body[i + 1] == (byte)'.', "a line starting with '.' must be stuffed");
                i++;
            }
            result.Add(body[i]);
            lineStart = body[i] == (byte)'\n';
        }
        return [.. result];
    }

    [Fact]
    public void Crlf_message_passes_unchanged_and_is_terminated()
    {
        Assert.Equal("Subject: a\r\n\r\nbody\r\n.\r\n", EncodeText("Subject: a\r\n\r\nbody\r\n"));
    }

    [Fact]
    public void Lines_starting_with_a_dot_are_stuffed()
    {
        Assert.Equal("S: a\r\n\r\n..leading\r\n...\r\nmid.dle\r\n..\r\n.\r\n", EncodeText("S: a\r\n\r\n.leading\r\n..\r\nmid.dle\r\n.\r\n"));
    }

    [Fact]
    public void A_message_starting_with_a_dot_is_stuffed()
    {
        Assert.Equal("..x\r\n.\r\n", EncodeText(".x\r\n"));
    }

    [Fact]
    public void Bare_lf_becomes_crlf()
    {
        Assert.Equal("a\r\nb\r\n\r\n..c\r\n.\r\n", EncodeText("a\nb\n\n.c\n"));
    }

    [Fact]
    public void Unterminated_last_line_gets_a_crlf()
    {
        Assert.Equal("a\r\nb\r\n.\r\n", EncodeText("a\r\nb"));
        Assert.Equal("a\r\n.\r\n", EncodeText("a\r"));
    }

    [Fact]
    public void Bare_cr_inside_a_line_is_content()
    {
        Assert.Equal("a\rb\r\n.\r\n", EncodeText("a\rb\n"));
    }

    [Fact]
    public void Empty_message_is_just_the_terminator()
    {
        Assert.Equal(".\r\n", EncodeText(""));
        Assert.Equal(0, Pop3MessageEncoder.Measure([]));
    }

    [Fact]
    public void Eight_bit_bytes_pass_untouched()
    {
        byte[] message = [.. "Subject: x\r\n\r\n"u8, 0x00, 0x80, 0xC3, 0xA9, 0xFF, (byte)'\r', (byte)'\n'];
        byte[] wire = Encode(message);
        Assert.Equal(message, Unstuff(wire));
    }

    [Fact]
    public void Measured_size_equals_what_the_client_receives()
    {
        byte[] message = Encoding.ASCII.GetBytes("a\nb\r\n.c\nd");
        byte[] received = Unstuff(Encode(message));
        Assert.Equal("a\r\nb\r\n.c\r\nd\r\n", Encoding.ASCII.GetString(received));
        Assert.Equal(received.Length, Pop3MessageEncoder.Measure(message));
    }

    [Fact]
    public void Top_zero_sends_the_header_and_the_blank_line()
    {
        Assert.Equal("A: 1\r\nB: 2\r\n\r\n.\r\n", EncodeText("A: 1\r\nB: 2\r\n\r\nline1\r\nline2\r\n", bodyLines: 0));
    }

    [Fact]
    public void Top_n_sends_n_body_lines()
    {
        Assert.Equal("A: 1\r\n\r\nline1\r\n..line2\r\n.\r\n", EncodeText("A: 1\r\n\r\nline1\r\n.line2\r\nline3\r\n", bodyLines: 2));
    }

    [Fact]
    public void Top_with_more_lines_than_the_body_sends_the_whole_message()
    {
        Assert.Equal("A: 1\r\n\r\nonly\r\n.\r\n", EncodeText("A: 1\r\n\r\nonly", bodyLines: 10));
    }

    [Fact]
    public void Top_on_a_message_without_a_body_sends_the_header()
    {
        Assert.Equal("A: 1\r\nB: 2\r\n.\r\n", EncodeText("A: 1\r\nB: 2\r\n", bodyLines: 0));
    }

    [Fact]
    public void Top_recognises_a_bare_lf_blank_line()
    {
        Assert.Equal("A: 1\r\n\r\nx\r\n.\r\n", EncodeText("A: 1\n\nx\ny\n", bodyLines: 1));
    }

    [Fact]
    public void Top_stops_consuming_input_once_finished()
    {
        var encoder = new Pop3MessageEncoder(bodyLines: 0);
        encoder.Write("A: 1\r\n\r\n"u8, null);
        Assert.True(encoder.IsFinished);
        long length = encoder.ContentLength;
        encoder.Write("more\r\n"u8, null);
        Assert.Equal(length, encoder.ContentLength);
    }

    public static readonly TheoryData<string, int> Samples = new()
    {
        { "Subject: x\r\n\r\n.a\r\n..\r\n.\r\nz", -1 },
        { "a\nb\r\n\n.\r\r\n.x", -1 },
        { "H: v\r\n\r\nb1\r\n.b2\r\nb3\r\n", 2 },
        { "H: v\n\n.b1\nb2", 1 },
        { "H: v\r\n\r\n", 0 },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Output_is_the_same_for_every_chunking(string text, int bodyLines)
    {
        byte[] message = Encoding.ASCII.GetBytes(text);
        byte[] whole = Encode(message, bodyLines);
        for (int chunk = 1; chunk <= message.Length; chunk++)
            Assert.Equal(whole, Encode(message, bodyLines, chunk));
        for (int at = 0; at <= message.Length; at++)
        {
            var output = new ArrayBufferWriter<byte>();
            var encoder = new Pop3MessageEncoder(bodyLines);
            encoder.Write(message.AsSpan(0, at), output);
            encoder.Write(message.AsSpan(at), output);
            encoder.Complete(output);
            Assert.Equal(whole, output.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void Random_messages_round_trip_and_measure_exactly()
    {
        var random = new Random(1939);
        byte[] alphabet = "ab.\r\n\n\u00e9"u8.ToArray();
        for (int n = 0; n < 2000; n++)
        {
            byte[] message = new byte[random.Next(0, 40)];
            for (int i = 0; i < message.Length; i++) message[i] = alphabet[random.Next(alphabet.Length)];
            byte[] received = Unstuff(Encode(message, -1, random.Next(1, 8)));
            Assert.Equal(received.Length, Pop3MessageEncoder.Measure(message));
            // Every line the client sees ends with CRLF.
            Assert.True(received.Length == 0 || received.AsSpan().EndsWith("\r\n"u8));
            Assert.Equal(received.Count(b => b == (byte)'\n'), CountCrlf(received));
        }
    }

    private static int CountCrlf(byte[] bytes)
    {
        int count = 0;
        for (int i = 1; i < bytes.Length; i++) if (bytes[i] == (byte)'\n' && bytes[i - 1] == (byte)'\r') count++;
        return count;
    }
}
