using CloudMail.Protocols.Smtp.Parsing;

namespace CloudMail.Protocols.Smtp.Commands;

/// <summary>RET= of MAIL (RFC 3461 §4.3).</summary>
public enum SmtpDsnReturn
{
    /// <summary>RET=FULL: the whole message in a DSN.</summary>
    Full,

    /// <summary>RET=HDRS: only its header.</summary>
    Headers,
}

/// <summary>NOTIFY= of RCPT (RFC 3461 §4.1); <see cref="Unspecified"/> when absent.</summary>
[Flags]
public enum SmtpDsnNotify
{
    Unspecified = 0,
    Never = 1,
    Success = 2,
    Failure = 4,
    Delay = 8,
}

/// <summary>
/// The values of the DSN extension's MAIL and RCPT parameters (RFC 3461 §4), one method per grammar rule. Each returns
/// false for a malformed value (the command then gets <c>501 5.5.4</c>). Never throws.
/// </summary>
public static class DsnParameters
{
    /// <summary>ENVID's longest value (RFC 3461 §4.4: "MUST NOT exceed 100 characters").</summary>
    public const int MaxEnvelopeIdLength = 100;

    /// <summary>ORCPT's longest value (RFC 3461 §4.2: "MUST NOT exceed 500 characters").</summary>
    public const int MaxOriginalRecipientLength = 500;

    public const string RetUsage = "RET=FULL|HDRS";
    public const string EnvidUsage = "ENVID=xtext (at most 100 characters)";
    public const string NotifyUsage = "NOTIFY=NEVER or NOTIFY=SUCCESS,FAILURE,DELAY (any of them)";
    public const string OrcptUsage = "ORCPT=addr-type;xtext";

    /// <summary>ret-value = "FULL" / "HDRS" (RFC 3461 §4.3; case-insensitive).</summary>
    public static bool TryParseRet(string? value, out SmtpDsnReturn ret)
    {
        ret = SmtpDsnReturn.Full;
        if (string.Equals(value, "FULL", StringComparison.OrdinalIgnoreCase)) return true;
        ret = SmtpDsnReturn.Headers;
        return string.Equals(value, "HDRS", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>envid-value = xtext, at most <see cref="MaxEnvelopeIdLength"/> characters as sent (RFC 3461 §4.4); decoded.</summary>
    public static bool TryParseEnvid(string? value, out string envelopeId)
    {
        envelopeId = string.Empty;
        return value is { Length: > 0 and <= MaxEnvelopeIdLength } && Xtext.TryDecode(value, out envelopeId);
    }

    /// <summary>
    /// notify-esmtp-value = "NEVER" / 1#notify-list-element; notify-list-element = "SUCCESS" / "FAILURE" / "DELAY"
    /// (RFC 3461 §4.1; case-insensitive). NEVER combined with anything else is malformed.
    /// </summary>
    public static bool TryParseNotify(string? value, out SmtpDsnNotify notify)
    {
        notify = SmtpDsnNotify.Unspecified;
        if (value is null) return false;
        foreach (string element in value.Split(','))
        {
            SmtpDsnNotify flag = element.ToUpperInvariant() switch
            {
                "NEVER" => SmtpDsnNotify.Never,
                "SUCCESS" => SmtpDsnNotify.Success,
                "FAILURE" => SmtpDsnNotify.Failure,
                "DELAY" => SmtpDsnNotify.Delay,
                _ => SmtpDsnNotify.Unspecified,
            };
            if (flag == SmtpDsnNotify.Unspecified) return false;
            notify |= flag;
        }
        return notify == SmtpDsnNotify.Never || !notify.HasFlag(SmtpDsnNotify.Never);
    }

    /// <summary>
    /// orcpt-value = addr-type ";" xtext; addr-type = atom (RFC 3461 §4.2), at most <see cref="MaxOriginalRecipientLength"/>
    /// characters. Returned as <c>addr-type;decoded-address</c> (e.g. <c>rfc822;user@example.org</c>).
    /// </summary>
    public static bool TryParseOrcpt(string? value, out string originalRecipient)
    {
        originalRecipient = string.Empty;
        if (value is not { Length: > 0 and <= MaxOriginalRecipientLength }) return false;
        int semicolon = value.IndexOf(';');
        if (semicolon <= 0 || semicolon == value.Length - 1) return false;
        var addrType = value.AsSpan(0, semicolon);
        foreach (char c in addrType)
        {
            if (c > '\u007f' || !SmtpGrammar.IsAtext(c)) return false;
        }
        if (!Xtext.TryDecode(value.AsSpan(semicolon + 1), out string address)) return false;
        originalRecipient = string.Concat(addrType, ";", address);
        return true;
    }
}
