using System.Text;
using System.Text.Unicode;

namespace CloudMail.Protocols.Smtp.Sasl;

/// <summary>
/// LOGIN (draft-murchison-sasl-login-00): "334 VXNlcm5hbWU6" (Username:), then "334 UGFzc3dvcmQ6" (Password:),
/// each answered with base64 UTF-8 text. An initial response, if given, is the user name.
/// </summary>
public sealed class SaslLoginExchange : ISaslExchange
{
    private string? _user;

    public SaslStep Start(string? initialResponse) =>
        initialResponse is null ? new SaslStep.Challenge(SmtpReplies.LoginUsernamePrompt) : Next(initialResponse);

    public SaslStep Next(string? responseLine)
    {
        var failed = SaslResponse.Decode(responseLine, out byte[] data);
        if (failed is not null) return failed;
        if (data.Length is 0 or > 255 || !Utf8.IsValid(data) || data.AsSpan().IndexOf((byte)0) >= 0)
            return new SaslStep.Failed(SmtpReplies.AuthBadResponse);
        string text = Encoding.UTF8.GetString(data);
        if (_user is null)
        {
            _user = text;
            return new SaslStep.Challenge(SmtpReplies.LoginPasswordPrompt);
        }
        return new SaslStep.Credentials(_user, text);
    }
}
