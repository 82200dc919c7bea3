namespace CloudMail.Storage.Azure.KeyVault;

/// <summary>
/// Key Vault refused a key request in a way retrying cannot fix: 401/403 (the identity lacks the role), 404 (no such
/// key or version), 400 (bad request), or a response that is not the documented JSON. Transient failures (429, 5xx,
/// network errors, timeouts) are reported as <see cref="CloudMail.Core.Failures.TransientStorageException"/> instead.
/// </summary>
public sealed class KeyVaultKeyException : Exception
{
    /// <summary>The HTTP status Key Vault answered, or 0 when the response could not be understood.</summary>
    public int StatusCode { get; }

    public KeyVaultKeyException(string message, int statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    public KeyVaultKeyException()
        : base("Key Vault refused the key request.")
    {
    }

    public KeyVaultKeyException(string message)
        : base(message)
    {
    }

    public KeyVaultKeyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
