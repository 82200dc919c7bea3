using System.Text;
using MimeKit;

namespace CloudMail.SendApi.Tests;

public sealed class RawMessageReaderTests
{
    private const string Id = "0123456789abcdef0123456789ab";
    private static readonly DateTimeOffset Date = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Checked<RawSubmission> Read(string mime, int maxHeaderBytes = 256 * 1024) =>
        RawMessageReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(mime)), maxHeaderBytes, 100, CancellationToken.None).GetAwaiter().GetResult();

    private static string Stored(RawSubmission submission)
    {
        var stream = new MemoryStream();
        submission.WriteForStorageAsync(stream, Id, Date, CancellationToken.None).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world")]
    public void Bodies_that_are_not_messages_are_400(string body) => Assert.Equal(400, Read(body).Problem?.Status);

    [Fact]
    public void Json_sent_as_rfc822_is_refused_with_a_clear_message()
    {
        var problem = Read("""{"from":"a@example.test","to":["b@example.test"]}""").Problem!;
        Assert.Equal(422, problem.Status);
        Assert.Contains("From header", problem.Detail);
    }

    [Fact]
    public void Envelope_comes_from_from_and_to_cc_bcc()
    {
        var raw = Read("From: App <app@example.test>\r\nTo: a@x.test, B <b@x.test>\r\nCc: c@x.test\r\nBcc: d@x.test\r\nSubject: s\r\n\r\nbody\r\n").Value!;
        Assert.Equal("app@example.test", raw.MailFrom);
        Assert.Equal(["a@x.test", "b@x.test", "c@x.test", "d@x.test"], raw.Recipients);
        Assert.Equal(["app@example.test"], raw.SenderAddresses);
    }

    [Fact]
    public void Sender_header_is_the_envelope_sender_and_must_be_checked_too()
    {
        var raw = Read("From: a@x.test\r\nSender: app@example.test\r\nTo: b@x.test\r\n\r\nbody\r\n").Value!;
        Assert.Equal("app@example.test", raw.MailFrom);
        Assert.Equal(["a@x.test", "app@example.test"], raw.SenderAddresses);
    }

    [Fact]
    public void A_message_without_recipients_is_422() =>
        Assert.Contains("at least one recipient", Read("From: a@example.test\r\nSubject: s\r\n\r\nbody\r\n").Problem!.Detail);

    [Fact]
    public void A_resent_bcc_field_is_stripped_before_storing_as_bcc_is()
    {
        var raw = Read("Resent-Bcc: hidden@x.test\r\nFrom: a@example.test\r\nTo: b@x.test\r\nDate: Sun, 01 Mar 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.test>\r\nSubject: s\r\n\r\nbody line\r\n").Value!;
        string stored = Stored(raw);
        Assert.DoesNotContain("hidden@x.test", stored);
        Assert.StartsWith("From: a@example.test\r\n", stored);
    }

    [Fact]
    public void Bcc_is_stripped_before_storing_and_everything_else_is_kept()
    {
        var raw = Read("From: a@example.test\r\nTo: b@x.test\r\nBcc: secret@x.test\r\nDate: Sun, 01 Mar 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.test>\r\nSubject: s\r\n\r\nbody line\r\n").Value!;
        string stored = Stored(raw);
        Assert.DoesNotContain("secret@x.test", stored);
        Assert.Contains("Message-ID: <m1@example.test>", stored);
        Assert.EndsWith("\r\n\r\nbody line\r\n", stored);
        Assert.Contains("secret@x.test", raw.Recipients);
    }

    [Fact]
    public void A_complete_message_without_bcc_is_stored_byte_for_byte()
    {
        const string mime = "From: a@example.test\r\nTo: b@x.test\r\nDate: Sun, 01 Mar 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.test>\r\nSubject:   odd   spacing\r\n\r\nbody\r\n";
        Assert.Equal(mime, Stored(Read(mime).Value!));
    }

    [Fact]
    public void Missing_date_and_message_id_are_added_and_bare_lf_becomes_crlf()
    {
        string stored = Stored(Read("From: a@example.test\nTo: b@x.test\n\nline1\nline2\n").Value!);
        var parsed = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(stored)));
        Assert.Equal(Id + "@example.test", parsed.MessageId);
        Assert.Equal(Date, parsed.Date);
        Assert.DoesNotContain("\n", stored.Replace("\r\n", ""));
        Assert.EndsWith("\r\n\r\nline1\r\nline2\r\n", stored);
    }

    [Fact]
    public void A_header_block_over_the_limit_is_413_and_one_at_the_limit_is_read()
    {
        const string headers = "From: a@example.test\r\nTo: b@x.test\r\n\r\n";
        Assert.Equal(413, Read(headers + "body\r\n", maxHeaderBytes: headers.Length - 1).Problem?.Status);
        Assert.Null(Read(headers + "body\r\n", maxHeaderBytes: headers.Length).Problem);
        Assert.Equal(413, Read("From: a@example.test\r\nX-Long: " + new string('a', 5000) + "\r\n", maxHeaderBytes: 4096).Problem?.Status);
    }

    [Fact]
    public void A_folded_bcc_field_is_removed_whole_and_a_message_without_body_keeps_its_fields()
    {
        string stored = Stored(Read("From: a@example.test\r\nBcc: one@x.test,\r\n two@x.test\r\nTo: b@x.test").Value!);
        Assert.DoesNotContain("x.test,", stored);
        Assert.DoesNotContain("two@x.test", stored);
        Assert.StartsWith("From: a@example.test\r\nTo: b@x.test\r\nDate: ", stored);
        Assert.Contains("\r\nMessage-ID: <" + Id + "@example.test>\r\n", stored);
    }

    [Fact]
    public async Task Bare_lf_becomes_crlf_also_when_the_body_arrives_one_byte_at_a_time()
    {
        byte[] mime = Encoding.ASCII.GetBytes("From: a@example.test\nTo: b@x.test\nDate: Sun, 01 Mar 2026 10:00:00 +0000\nMessage-ID: <m@x>\n\na\r\nb\nc\r\r\n\n");
        var raw = (await RawMessageReader.ReadAsync(new TrickleStream(mime), 1024, 100, CancellationToken.None)).Value!;
        var stored = new MemoryStream();
        await raw.WriteForStorageAsync(stored, Id, Date, CancellationToken.None);
        Assert.Equal("From: a@example.test\r\nTo: b@x.test\r\nDate: Sun, 01 Mar 2026 10:00:00 +0000\r\nMessage-ID: <m@x>\r\n\r\na\r\nb\r\nc\r\r\n\r\n",
            Encoding.ASCII.GetString(stored.ToArray()));
    }

    /// <summary>A stream that returns one byte per read, so every byte boundary is a read boundary.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
