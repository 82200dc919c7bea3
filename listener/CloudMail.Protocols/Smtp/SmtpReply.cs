using System.Text;

namespace CloudMail.Protocols.Smtp;

/// <summary>
/// One SMTP reply (RFC 5321 §4.2): a three-digit code, an optional enhanced status code (RFC 3463,
/// advertised as ENHANCEDSTATUSCODES, RFC 2034) and text. Immutable; the wire form is computed once.
/// </summary>
public sealed class SmtpReply
{
    private byte[]? _wire;

    public SmtpReply(int code, string? enhancedCode, string text)
    {
        if (code is < 200 or > 599) throw new ArgumentOutOfRangeException(nameof(code));
        if (text.AsSpan().IndexOfAny('\r', '\n') >= 0) throw new ArgumentException("Reply text must be one line.", nameof(text));
        Code = code;
        EnhancedCode = enhancedCode;
        Text = text;
    }

    public int Code { get; }

    /// <summary>RFC 3463 "class.subject.detail", or null (greeting, 334, 354 and EHLO replies carry none, RFC 2034 §3).</summary>
    public string? EnhancedCode { get; }

    public string Text { get; }

    /// <summary>2xx.</summary>
    public bool IsPositive => Code < 300;

    /// <summary>4xx or 5xx: the command failed.</summary>
    public bool IsError => Code >= 400;

    /// <summary>"CODE [ENHANCED ]TEXT\r\n" as bytes (UTF-8).</summary>
    public ReadOnlySpan<byte> Wire => _wire ??= Encoding.UTF8.GetBytes(ToString() + "\r\n");

    /// <summary>The reply line without CRLF.</summary>
    public override string ToString() => EnhancedCode is null ? $"{Code} {Text}" : $"{Code} {EnhancedCode} {Text}";
}
