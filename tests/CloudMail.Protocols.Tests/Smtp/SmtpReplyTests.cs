using System.Reflection;
using System.Text;
using CloudMail.Protocols.Smtp;

namespace CloudMail.Protocols.Tests.Smtp;

public class SmtpReplyTests
{
    [Fact]
    public void Wire_form_is_code_enhanced_code_text_and_crlf()
    {
        Assert.Equal("503 5.5.1 Bad sequence of commands\r\n", Encoding.ASCII.GetString(SmtpReplies.BadSequence.Wire));
        Assert.Equal("220 mx.example ESMTP CloudMail\r\n", Encoding.ASCII.GetString(SmtpReplies.Greeting("mx.example").Wire));
    }

    [Fact]
    public void Every_constant_error_and_success_reply_carries_an_enhanced_code_whose_class_matches()
    {
        var replies = typeof(SmtpReplies).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (f.Name, Reply: (SmtpReply)f.GetValue(null)!)).ToList();
        Assert.NotEmpty(replies);
        foreach (var (name, reply) in replies)
        {
            if (reply.Code is >= 300 and < 400) continue; // 334 and 354 carry none (RFC 2034 §3)
            Assert.True(reply.EnhancedCode is not null, name);
            Assert.Equal(reply.Code / 100, reply.EnhancedCode![0] - '0');
        }
    }

    [Fact]
    public void Reply_text_cannot_hold_a_line_break()
    {
        Assert.Throws<ArgumentException>(() => new SmtpReply(250, "2.0.0", "a\r\n250 injected"));
    }
}
