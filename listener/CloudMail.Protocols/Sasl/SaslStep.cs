namespace CloudMail.Protocols.Sasl;

/// <summary>
/// Next step of a SASL exchange (RFC 4422 §3; carried by SMTP AUTH, RFC 4954 §4; IMAP AUTHENTICATE,
/// RFC 9051 §6.2.2; POP3 AUTH, RFC 5034 §4). Protocol-neutral: each protocol turns it into its own reply.
/// </summary>
public abstract record SaslStep
{
    /// <summary>Send this server challenge (base64 text; empty for an empty challenge) and read one more response line.</summary>
    public sealed record Challenge(string Base64) : SaslStep;

    /// <summary>
    /// The client gave credentials; check them. <see cref="AuthorizationId"/> is empty or names the same
    /// account as <see cref="UserName"/> (ignoring case): acting as another user is refused before this step.
    /// <see cref="ToString"/> never shows the password.
    /// </summary>
    public sealed record Credentials(string AuthorizationId, string UserName, string Password) : SaslStep
    {
        public override string ToString() =>
            $"Credentials {{ AuthorizationId = {AuthorizationId}, UserName = {UserName}, Password = (redacted) }}";
    }

    /// <summary>The exchange failed before credentials could be checked; <see cref="Reason"/> says why.</summary>
    public sealed record Failed(SaslFailure Reason) : SaslStep;
}
