using System.Text;
using CloudMail.Protocols.Smtp.Data;
using CsCheck;

namespace CloudMail.Protocols.Tests.Smtp;

/// <summary>The hop count of RFC 5321 §6.3: Received fields of the header only, however the content is split.</summary>
public sealed class ReceivedFieldCounterTests
{
    private static int CountAt(string message, params int[] cuts)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(message);
        var counter = new ReceivedFieldCounter();
        int from = 0;
        foreach (int cut in cuts.Append(bytes.Length))
        {
            counter.Feed(bytes.AsSpan(from, cut - from));
            from = cut;
        }
        return counter.Count;
    }

    private const string Sample =
        "Received: from a.test by b.test; Sun, 6 Dec 2026 10:00:00 +0000\r\n" +
        "RECEIVED : from c.test\r\n\tby d.test with ESMTP; Sun, 6 Dec 2026 10:00:01 +0000\r\n" +
        "X-Received: by 10.0.0.1 with SMTP\r\n" +
        "Subject: Received: not a field name here\r\n" +
        "received:(no space)\r\n" +
        "Receivedx: not this one\r\n" +
        " Received: a continuation line\r\n" +
        "\r\n" +
        "Received: in the body, not counted\r\n";

    [Fact]
    public void Only_Received_field_names_at_the_start_of_header_lines_count()
    {
        Assert.Equal(3, CountAt(Sample));
    }

    [Fact]
    public void Every_split_of_the_content_gives_the_same_count()
    {
        for (int a = 0; a <= Sample.Length; a++)
        {
            for (int b = a; b <= Sample.Length; b += 7) Assert.Equal(3, CountAt(Sample, a, b));
        }
    }

    [Theory]
    [InlineData("Received: x\r\n\r\nReceived: y\r\n", 1)] // CRLF CRLF ends the header
    [InlineData("Received: x\n\nReceived: y\n", 1)] // so does a bare LF line
    [InlineData("\r\nReceived: y\r\n", 0)] // no header at all
    [InlineData("Received: x\r\nReceived: y", 2)] // content that ends inside the header
    [InlineData("Received\r\n: x\r\n", 0)] // the colon must be on the name's line
    [InlineData("", 0)]
    public void The_header_ends_at_the_first_empty_line(string message, int expected) => Assert.Equal(expected, CountAt(message));

    [Fact]
    public void A_hundred_hops_count_as_a_hundred()
    {
        string header = string.Concat(Enumerable.Range(0, 100).Select(i => $"Received: from h{i}.test by h{i + 1}.test; Sun, 6 Dec 2026 10:00:00 +0000\r\n"));
        Assert.Equal(100, CountAt(header + "Subject: loop\r\n\r\nbody\r\n", 17, 4000, 4001));
    }

    [Fact]
    public void Any_bytes_in_any_pieces_count_no_more_fields_than_lines()
    {
        Gen.Byte.Array[0, 300].Select(Gen.Int[0, 300]).Sample((bytes, cut) =>
        {
            var counter = new ReceivedFieldCounter();
            int split = Math.Min(cut, bytes.Length);
            counter.Feed(bytes.AsSpan(0, split));
            counter.Feed(bytes.AsSpan(split));
            var whole = new ReceivedFieldCounter();
            whole.Feed(bytes);
            Assert.Equal(whole.Count, counter.Count);
            Assert.InRange(counter.Count, 0, bytes.Count(b => b == (byte)'\n') + 1);
        });
    }
}
