using System.Text;
using CloudMail.Listener.MailFiles;

namespace CloudMail.Listener.Tests.MailFiles;

public sealed class MboxSplitterTests
{
    private static List<MboxPart> Split(string mbox, int chunk = int.MaxValue, long max = MboxSplitter.DefaultMaxMessageBytes)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(mbox);
        var splitter = new MboxSplitter(max);
        var parts = new List<MboxPart>();
        for (int i = 0; i < bytes.Length; i += chunk) splitter.Feed(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)), parts);
        splitter.Complete(parts);
        return parts;
    }

    private static string Text(MboxPart part) => Encoding.Latin1.GetString(Assert.IsType<MboxMessage>(part).Raw);

    private const string TwoMessages =
        "From alice@a.test Wed Dec  4 05:17:37 2024\nSubject: one\n\nbody one\n>From the past\n>>From deeper\n\n" +
        "From bob@b.test Thu Jan  2 10:00:00 2025\nSubject: two\n\nbody two\n\n";

    [Fact]
    public void Messages_are_split_at_From_lines_with_CRLF_line_ends_and_the_separating_empty_line_removed()
    {
        var parts = Split(TwoMessages);
        Assert.Equal(2, parts.Count);
        Assert.Equal("Subject: one\r\n\r\nbody one\r\nFrom the past\r\n>From deeper\r\n", Text(parts[0]));
        Assert.Equal("Subject: two\r\n\r\nbody two\r\n", Text(parts[1]));
        Assert.Equal("From alice@a.test Wed Dec  4 05:17:37 2024", ((MboxMessage)parts[0]).FromLine);
        Assert.Equal([1L, 8L], parts.Select(p => p.LineNumber));
    }

    [Fact]
    public void Feeding_one_byte_at_a_time_gives_the_same_parts()
    {
        var whole = Split(TwoMessages);
        var bytewise = Split(TwoMessages, chunk: 1);
        Assert.Equal(whole.Select(Text), bytewise.Select(Text));
    }

    [Fact]
    public void Crlf_files_and_empty_lines_inside_a_message_are_kept()
    {
        var parts = Split("From a Wed Dec  4 05:17:37 2024\r\nSubject: x\r\n\r\npara one\r\n\r\n\r\npara two\r\n\r\n");
        Assert.Equal("Subject: x\r\n\r\npara one\r\n\r\n\r\npara two\r\n", Text(Assert.Single(parts)));
    }

    [Fact]
    public void A_From_line_not_after_an_empty_line_is_message_text()
    {
        var parts = Split("From a Wed Dec  4 05:17:37 2024\nSubject: x\n\nline\nFrom here on, text\n\n");
        Assert.Equal("Subject: x\r\n\r\nline\r\nFrom here on, text\r\n", Text(Assert.Single(parts)));
    }

    [Fact]
    public void A_truncated_last_message_is_reported_with_its_line_and_the_earlier_ones_kept()
    {
        var parts = Split(TwoMessages + "From c Sun Jan  5 10:00:00 2025\nSubject: three\n\ncut in the mid");
        Assert.Equal(3, parts.Count);
        var problem = Assert.IsType<MboxProblem>(parts[2]);
        Assert.Equal(16, problem.LineNumber);
        Assert.Contains("truncated", problem.Text);
    }

    [Fact]
    public void A_message_without_a_header_is_reported_and_the_next_one_is_read()
    {
        var parts = Split("From a Wed Dec  4 05:17:37 2024\nthis is no header\n\nFrom b Wed Dec  4 05:17:38 2024\nSubject: ok\n\nbody\n");
        var problem = Assert.IsType<MboxProblem>(parts[0]);
        Assert.Equal(2, problem.LineNumber);
        Assert.Equal("Subject: ok\r\n\r\nbody\r\n", Text(parts[1]));
    }

    [Fact]
    public void Text_before_the_first_separator_and_empty_messages_are_reported()
    {
        var parts = Split("garbage\nmore\n\nFrom a Wed Dec  4 05:17:37 2024\n\nFrom b Wed Dec  4 05:17:38 2024\nSubject: ok\n\n");
        Assert.Equal(3, parts.Count);
        Assert.Equal((1L, "text"), (parts[0].LineNumber, ((MboxProblem)parts[0]).Text[..4]));
        Assert.Equal(4, Assert.IsType<MboxProblem>(parts[1]).LineNumber);
        Assert.Equal("Subject: ok\r\n", Text(parts[2]));
    }

    [Fact]
    public void A_message_over_the_cap_is_skipped_and_the_next_one_read()
    {
        string big = "From a Wed Dec  4 05:17:37 2024\nSubject: big\n\n" + new string('x', 500) + "\n\n";
        var parts = Split(big + "From b Wed Dec  4 05:17:38 2024\nSubject: small\n\nok\n", chunk: 64, max: 200);
        Assert.Contains("larger than 200 bytes", Assert.IsType<MboxProblem>(parts[0]).Text);
        Assert.Equal("Subject: small\r\n\r\nok\r\n", Text(parts[1]));
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(42);
        for (int round = 0; round < 200; round++)
        {
            byte[] junk = new byte[random.Next(0, 3000)];
            random.NextBytes(junk);
            string text = Encoding.Latin1.GetString(junk).Replace("\u0001", "\nFrom x Wed Dec  4 05:17:37 2024\n", StringComparison.Ordinal)
                .Replace("\u0002", "\nContent-Length: " + random.Next(0, 300) + "\n", StringComparison.Ordinal).Replace("\u0003", "\n\n", StringComparison.Ordinal);
            _ = Split(text, chunk: random.Next(1, 100), max: random.Next(1, 2000));
        }
    }

    [Fact]
    public void A_Content_Length_that_ends_at_a_separator_keeps_unquoted_From_lines_in_the_body()
    {
        // As mutt writes mbox files: Content-Length counts the body; "From " lines in it are not quoted.
        string mutt = "From a Fri Dec  4 05:47:19 2026\nSubject: one\nContent-Length: 29\nLines: 3\n\nBody 1\n\nFrom start of a line\n\n" +
            "From a Fri Dec  4 05:47:20 2026\nSubject: two\nContent-Length: 0\n\n\n" +
            "From a Fri Dec  4 05:47:21 2026\nSubject: three\nContent-Length: 7\n\nBody 3\n";
        var parts = Split(mutt);
        Assert.Equal(3, parts.Count);
        Assert.Equal("Subject: one\r\nContent-Length: 29\r\nLines: 3\r\n\r\nBody 1\r\n\r\nFrom start of a line\r\n", Text(parts[0]));
        Assert.Equal("Subject: two\r\nContent-Length: 0\r\n", Text(parts[1]));
        Assert.Equal("Subject: three\r\nContent-Length: 7\r\n\r\nBody 3\r\n", Text(parts[2]));
        Assert.Equal([1L, 10L, 15L], parts.Select(p => p.LineNumber));
        Assert.Equal(parts.Select(Text), Split(mutt, chunk: 3).Select(Text));
    }

    [Theory]
    [InlineData(5)]    // ends inside a line
    [InlineData(7)]    // ends at a line end that no separator follows
    [InlineData(500)]  // runs past the end of the file
    public void A_wrong_Content_Length_is_ignored_and_the_messages_split_at_their_separators(int length)
    {
        string mbox = $"From a Wed Dec  4 05:17:37 2024\nSubject: one\nContent-Length: {length}\n\nBody 1\nmore\n\n" +
            "From b Wed Dec  4 05:17:38 2024\nSubject: two\n\nBody 2\n\n";
        var parts = Split(mbox);
        Assert.Equal(2, parts.Count);
        Assert.Equal($"Subject: one\r\nContent-Length: {length}\r\n\r\nBody 1\r\nmore\r\n", Text(parts[0]));
        Assert.Equal("Subject: two\r\n\r\nBody 2\r\n", Text(parts[1]));
        Assert.Equal(8, parts[1].LineNumber);
    }

    [Fact]
    public void A_wrong_Content_Length_of_0_keeps_the_body_that_follows()
    {
        string mbox = "From a Wed Dec  4 05:17:37 2024\nSubject: one\nContent-Length: 0\n\nBody 1\n\n" +
            "From b Wed Dec  4 05:17:38 2024\nSubject: two\n\nBody 2\n\n";
        var parts = Split(mbox);
        Assert.Equal(2, parts.Count);
        Assert.Equal("Subject: one\r\nContent-Length: 0\r\n\r\nBody 1\r\n", Text(parts[0]));
        Assert.Equal("Subject: two\r\n\r\nBody 2\r\n", Text(parts[1]));
        Assert.Equal(parts.Select(Text), Split(mbox, chunk: 1).Select(Text));
    }

    [Theory]
    // Found by afl++ (build/fuzz.sh mbox, 1M executions): a Content-Length of 0 after a message with a count re-read the
    // earlier message's body offset and threw.
    [InlineData("RnJvbSBhbGlvCkNvbnRlbnQtTGVuZ3RoOiA0CiAKRnJlClN0OiBSTwpYLVNGClgtb2prCglib2R5Cj5GZWQKCkZyb20gYiBNMm0gYWxpbwpDb250ZW50LUxlbmd0aDowClNuZQpTdGFvCgpjdQogCkZyZQpTdDogUk8KWC1TRgpYLW9qawoJdA==")]
    [InlineData("RnJvbSBhbGlvCkNvbnRlbnQtTGVuZ3RoOiA0Cgo+RnJkCkZyb20gYWxpbwpDb250ZW50LUxYbmd1aDogKAoKCmR5Cj5YcmQKCkZyb20gZQpTdGFvCgpGcm9tIGFsaW8KQ29udGVudC1MZW5ndGg6IDAKCgpkeQo+RnJkCgpGcm9tIGUKU0ZlZAoKRnJvbSAKPkYkV29yCmN1gP+P/3lcME8KTwpYLQB/l3R1YiBNMjAKU25lCoAAOjBPCk8KWC1TdJd0dZY6czogdW90ZWQKawo+CiBBRgo6IEFGClgtYm9keQo+RnJvbSBxdW////+ACkZ0b2R5Cp5Gcm9tIHFcb3RlZEYKWC1LZWd3b3JBRgo6IEFGeQ==")]
    public void Fuzzer_findings_split_without_throwing(string base64)
    {
        string text = Encoding.Latin1.GetString(Convert.FromBase64String(base64));
        var whole = Split(text, max: 4096);
        Assert.NotEmpty(whole);
        Assert.Equal(whole.Select(p => p.GetType()), Split(text, chunk: 1, max: 4096).Select(p => p.GetType()));
    }
}
