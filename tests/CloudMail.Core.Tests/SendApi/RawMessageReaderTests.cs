using System.Text;
using CloudMail.Core.SendApi;
using MimeKit;

namespace CloudMail.Core.Tests.SendApi;

public sealed class RawMessageReaderTests
{
    private const string Id = "0123456789abcdef0123456789ab";
    private static readonly DateTimeOffset Date = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Checked<RawSubmission> Read(string mime) => RawMessageReader.Read(Encoding.UTF8.GetBytes(mime), 100);

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
}
