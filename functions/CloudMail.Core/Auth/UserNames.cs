using System.Text;

namespace CloudMail.Core.Auth;

/// <summary>Why a login user name is refused before it is logged, looked up or used as a throttle key.</summary>
public enum UserNameProblem
{
    /// <summary>Empty or only white space.</summary>
    Blank,

    /// <summary>Contains a control character (C0 such as CR, LF, NUL; DEL; C1) or a Unicode line/paragraph separator.</summary>
    ControlCharacter,

    /// <summary>Longer than <see cref="UserNames.MaxOctets"/> octets in UTF-8.</summary>
    TooLong,
}

/// <summary>
/// The one rule for user names on every protocol (SMTP AUTH, IMAP LOGIN/AUTHENTICATE, POP3 USER/AUTH). Pure; never throws.
/// A refused name is an ordinary failed login for the client, and is never written to a log as received.
/// </summary>
public static class UserNames
{
    /// <summary>
    /// RFC 4616 §2 limits a SASL PLAIN authcid to 255 octets; an address (RFC 5321 §4.5.3.1.3 path of 256 octets with
    /// its angle brackets) fits, so no real user name is longer.
    /// </summary>
    public const int MaxOctets = 255;

    /// <summary>Null when <paramref name="userName"/> is acceptable, else why it is not.</summary>
    public static UserNameProblem? Check(string? userName)
    {
        if (string.IsNullOrWhiteSpace(userName)) return UserNameProblem.Blank;
        // Check the length first: the scan below is then bounded too (UTF-8 is at least one octet per char).
        if (userName.Length > MaxOctets || Encoding.UTF8.GetByteCount(userName) > MaxOctets) return UserNameProblem.TooLong;
        foreach (char c in userName)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029') return UserNameProblem.ControlCharacter;
        }
        return null;
    }
}
