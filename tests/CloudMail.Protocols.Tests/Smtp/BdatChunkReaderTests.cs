using System.Buffers;
using CloudMail.Protocols.Smtp.Data;

namespace CloudMail.Protocols.Tests.Smtp;

public class BdatChunkReaderTests
{
    [Fact]
    public void Takes_exactly_the_announced_octets_verbatim_and_leaves_the_rest()
    {
        byte[] input = "a\r\n.\r\nb\nQUIT\r\n"u8.ToArray();
        for (int at = 0; at <= input.Length; at++)
        {
            var reader = new BdatChunkReader(8);
            var output = new ArrayBufferWriter<byte>();
            var first = Segments.Of(input[..at]);
            bool done = reader.Read(ref first, output);
            Assert.Equal(at >= 8, done);
            var second = done ? Segments.Of([.. first.ToArray(), .. input[at..]]) : Segments.Of(input[at..]);
            if (!done) Assert.True(reader.Read(ref second, output));
            Assert.Equal("a\r\n.\r\nb\n"u8.ToArray(), output.WrittenSpan.ToArray());
            Assert.Equal("QUIT\r\n", Segments.Text(second));
        }
    }

    [Fact]
    public void A_zero_size_chunk_is_complete_at_once()
    {
        var buffer = Segments.Of("QUIT\r\n"u8.ToArray());
        Assert.True(new BdatChunkReader(0).Read(ref buffer, null));
        Assert.Equal(6, buffer.Length);
    }

    [Fact]
    public void A_skipped_chunk_is_consumed_without_output()
    {
        var reader = new BdatChunkReader(5);
        var buffer = Segments.Of("MAIL FROM:<x@y.z>\r\n"u8.ToArray());
        Assert.True(reader.Read(ref buffer, null));
        Assert.Equal("FROM:<x@y.z>\r\n", Segments.Text(buffer));
    }
}
