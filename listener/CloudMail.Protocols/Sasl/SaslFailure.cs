namespace CloudMail.Protocols.Sasl;

/// <summary>Why a SASL exchange ended without credentials to check.</summary>
public enum SaslFailure
{
    /// <summary>The client sent "*" (RFC 4954 §4, RFC 9051 §6.2.2, RFC 5034 §4).</summary>
    Cancelled,

    /// <summary>The response is not strict base64 (RFC 4648 §4), is longer than <see cref="SaslResponse.MaxDecodedLength"/>, or the line was not valid text.</summary>
    InvalidEncoding,

    /// <summary>The decoded response breaks the mechanism's grammar (RFC 4616 §2 for PLAIN; LOGIN's user name or password).</summary>
    InvalidMessage,

    /// <summary>PLAIN with an authorization identity other than the authentication identity: no proxy login (RFC 4616 §2).</summary>
    AuthorizationRefused,
}
