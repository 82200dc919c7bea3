using System.Text;
using CloudMail.Protocols.Smtp.Data;
using CsCheck;

namespace CloudMail.Protocols.Tests.Smtp;

/// <summary>
/// What the SMTP server reads from a message's header as it streams in: the hop count of RFC 5321 §6.3 and the
/// presence of Date and Message-ID (RFC 6409 §8.2, §8.3), from header lines only, however the content is split.
/// </summary>
public sealed class HeaderFieldScannerTests
{
    private static HeaderFieldScanner ScanAt(string message, params int[] cuts)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(message);
        var scanner = new HeaderFieldScanner();
        int from = 0;
        foreach (int cut in cuts.Append(bytes.Length))
        {
            scanner.Feed(bytes.AsSpan(from, cut - from));
            from = cut;
        }
        return scanner;
    }

    private const string Sample =
        "Received: from a.test by b.test; Sun, 6 Dec 2026 10:00:00 +0000\r\n" +
        "RECEIVED : from c.test\r\n\tby d.test with ESMTP; Sun, 6 Dec 2026 10:00:01 +0000\r\n" +
        "X-Received: by 10.0.0.1 with SMTP\r\n" +
        "Subject: Received: not a field name here\r\n" +
        "received:(no space)\r\n" +
        "Receivedx: not this one\r\n" +
        " Received: a continuation line\r\n" +
        "Resent-Date: Sun, 6 Dec 2026 10:00:00 +0000\r\n" +
        "X-Message-ID: <not@this.one>\r\n" +
        "\r\n" +
        "Received: in the body, not counted\r\n" +
        "Date: Sun, 6 Dec 2026 10:00:00 +0000\r\n" +
        "Message-ID: <in@the.body>\r\n";

    [Fact]
    public void Only_field_names_at_the_start_of_header_lines_count()
    {
        var scan = ScanAt(Sample);

        Assert.Equal(3, scan.ReceivedCount);
        Assert.False(scan.HasDate);
        Assert.False(scan.HasMessageId);
        Assert.True(scan.HeaderEnded);
    }

    [Fact]
    public void Every_split_of_the_content_gives_the_same_result()
    {
        const string withFields = "DATE: Sun, 6 Dec 2026 10:00:00 +0000\r\nmessage-id\t: <x@y.test>\r\n" + Sample;
        for (int a = 0; a <= withFields.Length; a++)
        {
            for (int b = a; b <= withFields.Length; b += 7)
            {
                var scan = ScanAt(withFields, a, b);
                Assert.Equal((3, true, true), (scan.ReceivedCount, scan.HasDate, scan.HasMessageId));
            }
        }
    }

    [Theory]
    [InlineData("Received: x\r\n\r\nReceived: y\r\n", 1, true)] // CRLF CRLF ends the header
    [InlineData("Received: x\n\nReceived: y\n", 1, true)] // so does a bare LF line
    [InlineData("\r\nReceived: y\r\n", 0, true)] // no header at all
    [InlineData("Received: x\r\nReceived: y", 2, false)] // content that ends inside the header
    [InlineData("Received\r\n: x\r\n", 0, false)] // the colon must be on the name's line
    [InlineData("Rece\rived: x\r\n", 0, false)] // a control character is no part of a name
    [InlineData("", 0, false)]
    public void The_header_ends_at_the_first_empty_line(string message, int received, bool ended)
    {
        var scan = ScanAt(message);
        Assert.Equal((received, ended), (scan.ReceivedCount, scan.HeaderEnded));
    }

    [Theory]
    [InlineData("Bcc: x@y.test\r\nSubject: s\r\n\r\nbody", true, 29)]
    [InlineData("Subject: s\nBCC :x@y.test\n\nbody", true, 26)]
    [InlineData("X-Bcc: x\r\n\r\n", false, 12)]
    [InlineData("Resent-Bcc: x@y.test\r\n\r\n", true, 24)] // RFC 5322 §3.6.6: used as Bcc is
    [InlineData("Resent-Bccx: x\r\n\r\n", false, 18)]
    [InlineData("Subject: s\r\n", false, 0)] // not ended: no length yet
    public void Bcc_and_the_header_length_are_found(string message, bool bcc, int length)
    {
        for (int cut = 0; cut <= message.Length; cut++)
        {
            var scan = ScanAt(message, cut);
            Assert.Equal((bcc, (long)length), (scan.HasBcc, scan.HeaderLength));
        }
    }

    [Fact]
    public void A_hundred_hops_count_as_a_hundred()
    {
        string header = string.Concat(Enumerable.Range(0, 100).Select(i => $"Received: from h{i}.test by h{i + 1}.test; Sun, 6 Dec 2026 10:00:00 +0000\r\n"));
        Assert.Equal(100, ScanAt(header + "Subject: loop\r\n\r\nbody\r\n", 17, 4000, 4001).ReceivedCount);
    }

    [Fact]
    public void Any_bytes_in_any_two_pieces_give_what_the_whole_gives()
    {
        Gen.Byte.Array[0, 300].Select(Gen.Int[0, 300]).Sample((bytes, cut) =>
        {
            var pieces = new HeaderFieldScanner();
            int split = Math.Min(cut, bytes.Length);
            pieces.Feed(bytes.AsSpan(0, split));
            pieces.Feed(bytes.AsSpan(split));
            var whole = new HeaderFieldScanner();
            whole.Feed(bytes);
            Assert.Equal((whole.ReceivedCount, whole.HasDate, whole.HasMessageId, whole.HeaderEnded),
                (pieces.ReceivedCount, pieces.HasDate, pieces.HasMessageId, pieces.HeaderEnded));
            Assert.InRange(pieces.ReceivedCount, 0, bytes.Count(b => b == (byte)'\n') + 1);
        });
    }
}
