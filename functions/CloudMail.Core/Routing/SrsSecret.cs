namespace CloudMail.Core.Routing;

/// <summary>
/// The key of this deployment's SRS hashes: <see cref="RoutingOptions.SrsSecret"/> when set, else what the host provides
/// (the embedded host keeps a generated one in its data folder), else none (SRS off).
/// </summary>
public sealed class SrsSecret
{
    /// <summary>No secret: forwards keep their sender, SRS bounce addresses are refused.</summary>
    public static readonly SrsSecret None = new(null);

    /// <summary>A secret from its text (UTF-8 bytes are the HMAC key); empty text means <see cref="None"/>.</summary>
    public static SrsSecret From(string? text) => string.IsNullOrEmpty(text) ? None : new(System.Text.Encoding.UTF8.GetBytes(text));

    private SrsSecret(byte[]? key) => Key = key;

    /// <summary>The HMAC key, or null when SRS is off.</summary>
    internal byte[]? Key { get; }

    /// <summary>True when there is a key.</summary>
    public bool IsSet => Key is not null;
}
