namespace CloudMail.Protocols.Sasl;

/// <summary>
/// LOGIN (draft-murchison-sasl-login-00): challenge "VXNlcm5hbWU6" (Username:), then "UGFzc3dvcmQ6" (Password:),
/// each answered with base64 UTF-8 text of 1 to 255 octets without NUL. An initial response, if given, is the user name.
/// </summary>
public sealed class SaslLoginExchange : ISaslExchange
{
    /// <summary>"Username:" in base64.</summary>
    public const string UserNamePrompt = "VXNlcm5hbWU6";

    /// <summary>"Password:" in base64.</summary>
    public const string PasswordPrompt = "UGFzc3dvcmQ6";

    private string? _user;

    public SaslStep Start(string? initialResponse) =>
        initialResponse is null ? new SaslStep.Challenge(UserNamePrompt) : Next(initialResponse);

    public SaslStep Next(string? responseLine)
    {
        if (SaslResponse.Decode(responseLine, out byte[] data) is { } failure) return new SaslStep.Failed(failure);
        if (data.Length == 0 || !SaslText.TryDecode(data, out string text)) return new SaslStep.Failed(SaslFailure.InvalidMessage);
        if (_user is null)
        {
            _user = text;
            return new SaslStep.Challenge(PasswordPrompt);
        }
        return new SaslStep.Credentials(string.Empty, _user, text);
    }
}
