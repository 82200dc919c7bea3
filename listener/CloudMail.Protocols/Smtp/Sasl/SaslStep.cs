namespace CloudMail.Protocols.Smtp.Sasl;

/// <summary>Next step of a SASL exchange (RFC 4954 §4).</summary>
public abstract record SaslStep
{
    /// <summary>Send the 334 challenge and read one more response line.</summary>
    public sealed record Challenge(SmtpReply Reply) : SaslStep;

    /// <summary>The client gave credentials; check them. <see cref="ToString"/> never shows the password.</summary>
    public sealed record Credentials(string UserName, string Password) : SaslStep
    {
        public override string ToString() => $"Credentials {{ UserName = {UserName}, Password = (redacted) }}";
    }

    /// <summary>The exchange failed before credentials could be checked (cancelled, undecodable); send the reply.</summary>
    public sealed record Failed(SmtpReply Reply) : SaslStep;
}
